using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace MasqueDashboard.Infrastructure.Security;

public static class AuthorizationServiceExtensions
{
    /// <summary>
    /// Services call this before they act, whatever page or endpoint called them: authorization is a rule
    /// of the service, not of the button. Throws a forbidden <see cref="DomainException"/> carrying the reason.
    /// </summary>
    public static async Task RequireAsync(this IAuthorizationService authorization, ClaimsPrincipal user, string policy, object? resource = null)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var result = await authorization.AuthorizeAsync(user, resource, policy);
        if (!result.Succeeded)
        {
            var reason = result.Failure?.FailureReasons.FirstOrDefault()?.Message
                ?? $"You do not have the {policy} capability.";
            throw DomainException.Forbidden(reason);
        }
    }
}
