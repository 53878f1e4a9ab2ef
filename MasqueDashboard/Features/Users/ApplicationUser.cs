using Microsoft.AspNetCore.Identity;

namespace MasqueDashboard.Features.Users;

/// <summary>A console user. Identity's own columns plus what lockout-within-a-window and the user list need.</summary>
public sealed class ApplicationUser : IdentityUser
{
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>When the last failed sign-in happened; failures older than the lockout window are forgotten.</summary>
    public DateTime? LastFailedSignInAtUtc { get; set; }

    public DateTime? LastSignInAtUtc { get; set; }
}
