namespace MasqueDashboard.Features.Audit;

/// <summary>Action names written to the audit trail (PRODUCT.md §8). Public: SIEM searches and exports use them.</summary>
public static class AuditActions
{
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string LockedOut = "auth.lockout";
    public const string SignedOut = "auth.logout";
    public const string TwoFactorEnabled = "auth.2fa.enabled";
    public const string TwoFactorDisabled = "auth.2fa.disabled";
    public const string TwoFactorReset = "auth.2fa.reset";

    public const string UserCreated = "user.created";
    public const string UserRolesChanged = "user.roles.changed";
    public const string UserLocked = "user.locked";
    public const string UserUnlocked = "user.unlocked";

    public const string TokenIssued = "token.issued";
    public const string TokenRevoked = "token.revoked";
    public const string TokenUsed = "auth.token.used";

    public const string AlertRaised = "alert.raised";
    public const string AlertAcknowledged = "alert.acknowledged";

    public const string AuditVerified = "audit.verified";
    public const string AuditExported = "audit.exported";
    public const string ReportExported = "audit.report.exported";
    public const string EvidenceExported = "device.evidence.exported";
}
