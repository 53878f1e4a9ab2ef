using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Features.Audit.Logins;

/// <summary>What a login detection found (PRODUCT.md §8).</summary>
public enum LoginAlertKind
{
    /// <summary>≥ 5 failed sign-ins for one account within 10 minutes.</summary>
    BruteForceAccount,

    /// <summary>≥ 20 failed sign-ins from one IP address within 10 minutes.</summary>
    BruteForceIp,

    /// <summary>A user signed in from an address they never signed in from before.</summary>
    NewIp,

    /// <summary>An EMM administrator or security reviewer signed in outside business hours.</summary>
    OffHoursPrivileged,

    /// <summary>A user signed in after 60 days or more without signing in.</summary>
    Dormant,
}

public enum LoginAlertSeverity
{
    Low,
    Medium,
    High,
}

/// <summary>
/// A login detection raised as an alert. A brute-force burst is one alert whose <see cref="EventCount"/> and
/// <see cref="LastSeenAtUtc"/> grow while failures keep coming within the window.
/// </summary>
public sealed class LoginAlert
{
    public long Id { get; set; }

    public LoginAlertKind Kind { get; set; }

    public LoginAlertSeverity Severity { get; set; }

    /// <summary>The account (e-mail) or, for <see cref="LoginAlertKind.BruteForceIp"/>, the IP address.</summary>
    public required string Subject { get; set; }

    /// <summary>What was seen, in words.</summary>
    public required string Evidence { get; set; }

    /// <summary>Sign-in events behind the alert (the failures of a burst; 1 otherwise).</summary>
    public int EventCount { get; set; } = 1;

    public DateTime RaisedAtUtc { get; set; }

    public DateTime LastSeenAtUtc { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AcknowledgedById { get; set; }

    public DateTime? AcknowledgedAtUtc { get; set; }

    public string? AcknowledgementComment { get; set; }

    public bool IsOpen => AcknowledgedAtUtc is null;
}

/// <summary>Login alerts changed: <see cref="Raised"/> are new (empty when alerts only grew or were acknowledged).</summary>
public sealed record LoginAlertsChanged(IReadOnlyList<LoginAlert> Raised);

/// <summary>Pushes login alerts as they are raised, grow or are acknowledged to the pages that watch them.</summary>
public sealed class LoginAlertNotifier(ILogger<LoginAlertNotifier> logger, MasqueDashboard.Infrastructure.ClusterBus bus) : ChangeNotifier<LoginAlertsChanged>(logger, bus);
