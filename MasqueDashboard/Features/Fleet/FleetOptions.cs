namespace MasqueDashboard.Features.Fleet;

/// <summary>The <c>Fleet</c> configuration section (PRODUCT.md §6 and §10).</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>The shared secret devices present in <c>X-Enrollment-Secret</c>; enrolment is refused while it is empty.</summary>
    public string EnrollmentSecret { get; set; } = "";

    /// <summary>Largest check-in body accepted (bytes); bigger ones get 413.</summary>
    public int MaxCheckInBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the escalation ladder and the overdue check-in sweep run.</summary>
    public TimeSpan EscalationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Check-ins applied in one transaction and one commit (group commit, 1 to 256); 1 applies each alone.</summary>
    public int CheckInBatch { get; set; } = 64;

    /// <summary>A command sent but unanswered this long is delivered again (a device may have lost the response).</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The mass-action brake of PRODUCT.md §7: how many devices automated destructive commands may reach, and in what time.</summary>
    public BrakeOptions Brake { get; set; } = new();

    /// <summary>A full-wipe request or a held batch nobody decided on this long expires as denied (PRODUCT.md §7).</summary>
    public TimeSpan ApprovalExpiry { get; set; } = TimeSpan.FromHours(72);

    public SimulatorOptions Simulator { get; set; } = new();
}

/// <summary>The <c>Fleet:Brake</c> section: automated RemoveApp, RemoveProfile and SelectiveWipe reach at most <see cref="MaxDevices"/> devices per <see cref="Window"/>.</summary>
public sealed class BrakeOptions
{
    /// <summary>Devices automated destructive commands may reach within <see cref="Window"/>; beyond, they are held. Also the size above which a person's bulk action needs a typed confirmation.</summary>
    public int MaxDevices { get; set; } = 25;

    /// <summary>The sliding window the devices are counted in.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(20);
}

/// <summary>The <c>Fleet:Simulator</c> section.</summary>
public sealed class SimulatorOptions
{
    /// <summary>On by default in Development, off elsewhere (unless set).</summary>
    public bool? Enabled { get; set; }

    public int DeviceCount { get; set; } = 250;

    /// <summary>Seconds between two check-ins of one simulated device.</summary>
    public TimeSpan CheckInInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Another instance to check in with over HTTP; empty means this process, in-process.</summary>
    public string TargetUrl { get; set; } = "";

    /// <summary>The random seed: the same seed makes the same fleet.</summary>
    public int Seed { get; set; } = 2014;

    /// <summary>
    /// The share of devices (0–100 %) managed by MDM alone: they report no team id or signer for apps and no team for
    /// profiles, as Apple's InstalledApplicationList and ProvisioningProfileList do (PRODUCT.md §7).
    /// </summary>
    public int MdmOnlyPercent { get; set; } = 30;
}
