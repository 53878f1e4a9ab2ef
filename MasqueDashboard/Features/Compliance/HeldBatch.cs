using MasqueDashboard.Features.Fleet;

namespace MasqueDashboard.Features.Compliance;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<HeldBatchStatus>))]
public enum HeldBatchStatus
{
    /// <summary>Waiting for an EMM administrator; more held commands join it while the brake holds.</summary>
    Pending,

    /// <summary>An administrator released it: its commands were queued.</summary>
    Released,

    /// <summary>An administrator cancelled it: its commands were dropped.</summary>
    Cancelled,

    /// <summary>Nobody decided within <c>Fleet:ApprovalExpiry</c>: dropped, as a denial.</summary>
    Expired,
}

/// <summary>
/// Automated destructive commands the mass-action brake held back (PRODUCT.md §7): the ones past
/// <c>Fleet:Brake:MaxDevices</c> devices within <c>Fleet:Brake:Window</c>, in one pending batch at a time, until a person
/// releases or cancels them.
/// </summary>
public sealed class HeldBatch
{
    public Guid Id { get; set; }

    /// <summary>The violations whose ladders asked for the held commands, space-separated, in the order they arose.</summary>
    public required string RuleIds { get; set; }

    /// <summary>The brake's setting when the batch arose, in words ("25 devices within 20 minutes").</summary>
    public required string Limit { get; set; }

    /// <summary>The first held command's reason: the violation, policy and ladder step.</summary>
    public required string Reason { get; set; }

    public HeldBatchStatus Status { get; set; }

    public DateTime HeldAtUtc { get; set; }

    public DateTime LastHeldAtUtc { get; set; }

    public int DeviceCount { get; set; }

    public int CommandCount { get; set; }

    public string? DecidedBy { get; set; }

    public DateTime? DecidedAtUtc { get; set; }

    public string? DecisionComment { get; set; }

    /// <summary>On release: how many commands were queued (a device no longer failing the rule gets none).</summary>
    public int? QueuedCount { get; set; }
}

/// <summary>One command the brake held: queued as it is if its batch is released.</summary>
public sealed class HeldCommand
{
    public long Id { get; set; }

    public Guid BatchId { get; set; }

    public long DeviceId { get; set; }

    public CommandType Type { get; set; }

    public string Payload { get; set; } = "{}";

    /// <summary>The violation whose ladder asked for the command.</summary>
    public required string RuleId { get; set; }

    public required string Reason { get; set; }

    /// <summary>The violation's subject (bundle id, profile UUID or ""): a release skips devices that no longer fail it.</summary>
    public string Subject { get; set; } = "";

    public DateTime HeldAtUtc { get; set; }
}
