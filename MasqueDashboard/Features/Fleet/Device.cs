namespace MasqueDashboard.Features.Fleet;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ComplianceState>))]
public enum ComplianceState
{
    Compliant,
    NonCompliant,
    Quarantined,
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<NetworkState>))]
public enum NetworkState
{
    Allowed,
    Blocked,
}

/// <summary>An enrolled iOS device (PRODUCT.md §6): its facts as of its last check-in, and its compliance state.</summary>
public sealed class Device
{
    public long Id { get; set; }

    public required string Udid { get; set; }

    public required string SerialNumber { get; set; }

    public required string Model { get; set; }

    public required string Owner { get; set; }

    public required string OsVersion { get; set; }

    /// <summary><see cref="OsVersion"/> as a sortable number (7.1.2 → 70102), for filters and the minimum-version rule.</summary>
    public int OsVersionKey { get; set; }

    public bool Supervised { get; set; }

    public bool ContainerEnabled { get; set; }

    public bool Jailbroken { get; set; }

    public DateTime EnrolledAtUtc { get; set; }

    public DateTime? LastCheckInAtUtc { get; set; }

    /// <summary>The highest check-in sequence applied: an equal or older one is acknowledged, not applied again.</summary>
    public long LastSequence { get; set; }

    /// <summary>SHA-256 (hex) of the device token; the token itself is shown once, at enrolment.</summary>
    public required string TokenHash { get; set; }

    public NetworkState Network { get; set; }

    public ComplianceState Compliance { get; set; }

    public DateTime ComplianceChangedAtUtc { get; set; }

    public int AppCount { get; set; }

    /// <summary>The provisioning profiles the device last reported, as JSON (optional in the contract).</summary>
    public string ProfilesJson { get; set; } = "[]";
}

/// <summary>
/// One distinct app build as devices report it. Thousands of devices carry the same build, so the
/// device-side rules judge a build once and a fleet-wide re-evaluation costs builds, not device × app pairs.
/// </summary>
public sealed class AppBuild
{
    public long Id { get; set; }

    /// <summary>SHA-256 (hex) over the build's canonical fields: one row per distinct build.</summary>
    public required string Key { get; set; }

    public required string BundleId { get; set; }

    public string Name { get; set; } = "";

    public string? Version { get; set; }

    public string? TeamId { get; set; }

    public string? SignerSha1 { get; set; }

    public string? Distribution { get; set; }

    /// <summary>Space-separated URL schemes.</summary>
    public string UrlSchemes { get; set; } = "";

    /// <summary>Space-separated extension bundle ids.</summary>
    public string Extensions { get; set; } = "";

    public bool? Managed { get; set; }

    public string? ProfileUuid { get; set; }

    public string? Sha256 { get; set; }

    public DateTime FirstSeenUtc { get; set; }
}

/// <summary>A build installed on a device.</summary>
public sealed class DeviceApp
{
    public long DeviceId { get; set; }

    public long AppBuildId { get; set; }
}

/// <summary>One check-in, kept for the device's timeline.</summary>
public sealed class DeviceCheckIn
{
    public long Id { get; set; }

    public long DeviceId { get; set; }

    public DateTime AtUtc { get; set; }

    public long Sequence { get; set; }

    public int AppCount { get; set; }

    public ComplianceState Compliance { get; set; }
}
