namespace MasqueDashboard.Features.Audit.Siem;

/// <summary>The two SIEM sinks of PRODUCT.md §8.</summary>
public static class SiemSinks
{
    public const string Splunk = "splunk";
    public const string Syslog = "syslog";

    public static IReadOnlyList<string> All { get; } = [Splunk, Syslog];
}

/// <summary>
/// A sink's settings as an EMM administrator saved them at <c>/admin/siem</c>; without a row the configuration
/// (<c>Siem:Splunk:*</c>, <c>Siem:Syslog:*</c>) applies.
/// </summary>
public sealed class SiemSinkSettings
{
    public required string Sink { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Splunk: the HEC base URL (https://splunk:8088). Syslog: unused.</summary>
    public string? Url { get; set; }

    /// <summary>Splunk: the HEC token (never shown back in full).</summary>
    public string? Token { get; set; }

    public string? Index { get; set; }

    public string? SourceType { get; set; }

    /// <summary>Syslog: the receiver's host name or address.</summary>
    public string? Host { get; set; }

    public int? Port { get; set; }

    /// <summary>Syslog: <c>tcp</c> (octet-counted framing, RFC 6587) or <c>udp</c> (RFC 5426).</summary>
    public string? Protocol { get; set; }

    public string? AppName { get; set; }

    public string UpdatedBy { get; set; } = "";

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>How far a sink has accepted the trail: the checkpoint moves only after the sink accepted a batch.</summary>
public sealed class SiemCheckpoint
{
    public required string Sink { get; set; }

    /// <summary>The last audit event sequence the sink accepted.</summary>
    public long LastSequence { get; set; }

    public DateTime? LastSuccessAtUtc { get; set; }

    public string? LastError { get; set; }

    public DateTime? LastErrorAtUtc { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>Events skipped because the sink refused them as malformed (dead letters), for the page.</summary>
    public long DeadLetters { get; set; }
}

/// <summary>The <c>Siem</c> configuration section: defaults until an administrator saves settings at <c>/admin/siem</c>.</summary>
public sealed class SiemOptions
{
    public const string Section = "Siem";

    public SplunkOptions Splunk { get; set; } = new();

    public SyslogOptions Syslog { get; set; } = new();

    /// <summary>Events per batch.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How often the forwarder looks for new events when it is idle.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries of a failing sink (backoff doubles up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class SplunkOptions
{
    public bool Enabled { get; set; }

    public string Url { get; set; } = "";

    public string Token { get; set; } = "";

    public string Index { get; set; } = "";

    public string SourceType { get; set; } = "masque:audit";
}

public sealed class SyslogOptions
{
    public bool Enabled { get; set; }

    public string Host { get; set; } = "";

    public int Port { get; set; } = 514;

    public string Protocol { get; set; } = "tcp";

    public string AppName { get; set; } = "masque-dashboard";
}

/// <summary>What a sink said about a batch: accepted up to <see cref="Accepted"/> events; the rest to retry, unless dead letters.</summary>
/// <param name="Accepted">How many of the batch's events (from its start) the sink took.</param>
/// <param name="DeadLetter">True when the event at <see cref="Accepted"/> was refused as malformed: skip it, do not retry.</param>
/// <param name="Error">Why the rest was not accepted.</param>
public sealed record SinkResult(int Accepted, bool DeadLetter = false, string? Error = null);
