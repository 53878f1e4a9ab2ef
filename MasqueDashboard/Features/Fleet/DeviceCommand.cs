namespace MasqueDashboard.Features.Fleet;

/// <summary>Remote actions (PRODUCT.md §6). Names are the public contract.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CommandType>))]
public enum CommandType
{
    Notify,
    BlockNetwork,
    UnblockNetwork,
    RemoveApp,
    SelectiveWipe,
    FullWipe,
    RemoveProfile,
}

/// <summary><c>Queued → Sent → Acknowledged | Error</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CommandStatus>))]
public enum CommandStatus
{
    Queued,
    Sent,
    Acknowledged,
    Error,
}

/// <summary>A command for one device, delivered in a check-in response and answered in a later check-in.</summary>
public sealed class DeviceCommand
{
    /// <summary>Queue order: commands run in the order they were queued, even when queued in the same instant.</summary>
    public long Number { get; set; }

    public Guid Id { get; set; }

    public long DeviceId { get; set; }

    public CommandType Type { get; set; }

    /// <summary>JSON object: <c>{"message"}</c> for Notify, <c>{"bundleId"}</c> for RemoveApp, <c>{}</c> otherwise.</summary>
    public string Payload { get; set; } = "{}";

    public CommandStatus Status { get; set; }

    /// <summary>Why it was queued: the violation and policy step, or the person's reason.</summary>
    public required string Reason { get; set; }

    public required string RequestedBy { get; set; }

    public DateTime QueuedAtUtc { get; set; }

    public DateTime? SentAtUtc { get; set; }

    public DateTime? CompletedAtUtc { get; set; }

    /// <summary>The device's detail with its result.</summary>
    public string? Detail { get; set; }

    public bool IsPending => Status is CommandStatus.Queued or CommandStatus.Sent;
}
