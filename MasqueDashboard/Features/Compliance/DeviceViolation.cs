namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// A rule a device fails now (PRODUCT.md §7). It lives while the device fails it; <see cref="SinceUtc"/> and
/// <see cref="StepsApplied"/> drive the policy's escalation ladder.
/// </summary>
public sealed class DeviceViolation
{
    public long Id { get; set; }

    public long DeviceId { get; set; }

    public required string PolicyId { get; set; }

    public required string RuleId { get; set; }

    /// <summary>What the rule is about on the device: a bundle id or profile UUID, or "" for the device itself.</summary>
    public string Subject { get; set; } = "";

    public required string Detail { get; set; }

    public DateTime SinceUtc { get; set; }

    /// <summary>How many steps of the policy's ladder have been applied for this violation.</summary>
    public int StepsApplied { get; set; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FullWipeStatus>))]
public enum FullWipeStatus
{
    Pending,
    Approved,
    Denied,
}

/// <summary>A person's request to erase a device: it waits for a second EMM administrator (PRODUCT.md §7).</summary>
public sealed class FullWipeRequest
{
    public Guid Id { get; set; }

    public long DeviceId { get; set; }

    public required string RequestedById { get; set; }

    public required string RequestedBy { get; set; }

    public required string Reason { get; set; }

    public DateTime RequestedAtUtc { get; set; }

    public FullWipeStatus Status { get; set; }

    public string? DecidedBy { get; set; }

    public DateTime? DecidedAtUtc { get; set; }

    public string? DecisionComment { get; set; }
}

/// <summary>One version of the compliance policies: the whole document, so any version can be read back as it was.</summary>
public sealed class PolicyVersion
{
    public int Version { get; set; }

    public required string Document { get; set; }

    public required string ChangedBy { get; set; }

    public DateTime ChangedAtUtc { get; set; }

    public required string Comment { get; set; }
}

/// <summary>
/// One figure of the fleet's history per UTC day, for the overview: <c>state:&lt;ComplianceState&gt;</c> is the number of
/// devices in that state at the day's last sweep; <c>new:&lt;RuleId&gt;</c> counts violations that began that day.
/// </summary>
public sealed class FleetDailyStat
{
    public DateOnly Day { get; set; }

    public required string Key { get; set; }

    public int Count { get; set; }
}
