using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Components.Endpoints;

namespace MasqueDashboard.Infrastructure.Security;

/// <summary>
/// A signed-in user who may not open a page gets the page's own friendly 403 (status 403, rendered by the
/// router's NotAuthorized content, which also says when only 2FA is missing) instead of a redirect to a
/// generic access-denied page. An API caller who may not call an endpoint gets 403 problem details that
/// name the reason (a missing capability, or 2FA not enrolled). Anonymous visitors keep the default handling.
/// </summary>
public sealed class PageAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && context.User.Identity?.IsAuthenticated == true
            && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return next(context);
        }

        if (authorizeResult.Forbidden && context.Request.Path.StartsWithSegments("/api"))
        {
            var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                ?? "The token's owner does not hold the capability this endpoint needs.";
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: reason).ExecuteAsync(context);
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
