using System.Security.Claims;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Users;

/// <summary>Adds the email and whether the user has 2FA, which capability checks read from the principal.</summary>
public sealed class MasqueClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(TwoFactorEnrolledRequirement.ClaimType, "true"));
        }

        return identity;
    }
}
