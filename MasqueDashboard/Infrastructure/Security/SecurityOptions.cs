using System.ComponentModel.DataAnnotations;

namespace MasqueDashboard.Infrastructure.Security;

/// <summary>The <c>Security</c> configuration section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Privileged roles must enrol 2FA before acting. Unset: true outside Development.</summary>
    public bool RequireTwoFactorForPrivilegedRoles { get; set; } = true;

    public LockoutSettings Lockout { get; set; } = new();

    public sealed class LockoutSettings
    {
        /// <summary>Failed sign-ins that lock an account when they fall within <see cref="Window"/>.</summary>
        [Range(1, 100)]
        public int MaxFailedAttempts { get; set; } = 5;

        /// <summary>Failures older than this no longer count towards a lockout.</summary>
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

        /// <summary>How long a locked-out account stays locked.</summary>
        public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
    }
}
