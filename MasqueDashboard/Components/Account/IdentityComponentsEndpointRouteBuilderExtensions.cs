using MasqueDashboard.Features.Users.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace MasqueDashboard.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>Endpoints Identity's pages post to: sign-out (audited).</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost("/Logout", async (
            HttpContext context,
            [FromServices] ConsoleSignInService signIn,
            [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync(context.User, SignInSource.From(context));
            return TypedResults.LocalRedirect($"~/{returnUrl}");
        }).ExcludeFromDescription();
        return accountGroup;
    }
}
