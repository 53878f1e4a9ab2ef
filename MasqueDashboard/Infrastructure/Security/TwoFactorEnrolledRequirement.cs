using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Infrastructure.Security;

/// <summary>
/// A SecurityReviewer or EmmAdmin without two-factor authentication may not act
/// (<c>Security:RequireTwoFactorForPrivilegedRoles</c>, PRODUCT.md §2).
/// </summary>
public sealed class TwoFactorEnrolledRequirement : IAuthorizationRequirement
{
    public const string ClaimType = "masque:2fa";
    public const string FailureMessage = "Two-factor authentication is required for this action: enrol an authenticator app first.";
}

public sealed class TwoFactorEnrolledHandler(IOptionsMonitor<SecurityOptions> options)
    : AuthorizationHandler<TwoFactorEnrolledRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TwoFactorEnrolledRequirement requirement)
    {
        if (!options.CurrentValue.RequireTwoFactorForPrivilegedRoles
            || !IsPrivileged(context.User)
            || context.User.HasClaim(TwoFactorEnrolledRequirement.ClaimType, "true"))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, TwoFactorEnrolledRequirement.FailureMessage));
        }

        return Task.CompletedTask;
    }

    public static bool IsPrivileged(ClaimsPrincipal user) => Roles.Privileged.Any(user.IsInRole);
}
