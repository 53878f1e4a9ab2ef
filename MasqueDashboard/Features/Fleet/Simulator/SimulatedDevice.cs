using System.Text.Json.Nodes;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>What a simulated device looks like at one moment: for tests and the simulator page.</summary>
/// <param name="DeviceId">The server's id, once enrolled.</param>
/// <param name="PendingCommandIds">Commands run whose results the server has not taken yet.</param>
/// <param name="Compliance">The state the server answered with at the last check-in.</param>
public sealed record SimulatedDeviceView(
    string Udid,
    string SerialNumber,
    string Model,
    string Owner,
    string OsVersion,
    bool Supervised,
    bool ContainerEnabled,
    bool Jailbroken,
    NetworkState Network,
    long? DeviceId,
    long LastSequence,
    IReadOnlyList<SimulatedApp> Apps,
    IReadOnlyList<Guid> PendingCommandIds,
    IReadOnlyList<string> Notifications,
    ComplianceState? Compliance,
    IReadOnlyList<string> Violations,
    DateTime? LastCheckInAtUtc,
    string? LastError,
    bool MdmOnly = false);

/// <summary>
/// One simulated iOS device with an on-device agent: its facts and inventory, its enrolment, and the commands it has
/// run. It obeys commands as a device would (PRODUCT.md §6, DOMAIN.md §6) and answers each once, in its next check-in.
/// </summary>
/// <remarks>
/// As iOS does: <c>RemoveApp</c> removes managed apps only and answers <c>Error</c> for an app the user installed;
/// <c>RemoveProfile</c> removes a provisioning profile, and the apps that need it no longer launch (the simulator
/// removes them). Simplification, on purpose: an in-house app's profile is reported while an app that needs it is
/// installed, so removing the app removes the profile. An MDM-only device reports what Apple's MDM protocol gives:
/// no team id or signer for apps, no team for profiles.
/// </remarks>
public sealed class SimulatedDevice
{
    public const int MaxNotifications = 20;
    private const int MaxRemembered = 512;

    private readonly Lock sync = new();
    private readonly List<SimulatedApp> apps;
    private readonly HashSet<string> offeredCatalogApps = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, CommandResult> unsent = [];
    private readonly Dictionary<Guid, CommandResult> answered = [];
    private readonly Queue<Guid> answeredOrder = new();
    private readonly List<string> notifications = [];
    private string osVersion;
    private bool supervised;
    private bool containerEnabled;
    private bool jailbroken;
    private NetworkState network = NetworkState.Allowed;
    private long lastSequence;
    private ComplianceState? compliance;
    private IReadOnlyList<string> violations = [];
    private DateTime? lastCheckInAtUtc;
    private string? lastError;

    public SimulatedDevice(string udid, string serialNumber, string model, string owner, string osVersion, bool supervised, bool containerEnabled,
        IEnumerable<SimulatedApp> apps, bool mdmOnly = false)
    {
        MdmOnly = mdmOnly;
        ArgumentException.ThrowIfNullOrWhiteSpace(udid);
        ArgumentNullException.ThrowIfNull(apps);
        (Udid, SerialNumber, Model, Owner) = (udid, serialNumber, model, owner);
        (this.osVersion, this.supervised, this.containerEnabled) = (osVersion, supervised, containerEnabled);
        this.apps = apps.ToList();
        offeredCatalogApps.UnionWith(this.apps.Where(a => a.Managed).Select(a => a.BundleId));
    }

    public string Udid { get; }

    /// <summary>Managed by MDM alone: its check-ins carry no team id or signer (PRODUCT.md §7, inventory without signer data).</summary>
    public bool MdmOnly { get; }

    public string SerialNumber { get; }

    public string Model { get; }

    public string Owner { get; }

    /// <summary>The server's id for the device; null until enrolled.</summary>
    public long? DeviceId { get; private set; }

    public bool IsEnrolled => Token is not null;

    /// <summary>One conversation with the server at a time: a check-in builds, sends and applies under this gate.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal string? Token { get; private set; }

    public string OsVersion
    {
        get
        {
            lock (sync)
            {
                return osVersion;
            }
        }
    }

    public bool Jailbroken
    {
        get
        {
            lock (sync)
            {
                return jailbroken;
            }
        }
    }

    public bool Carries(string bundleId)
    {
        lock (sync)
        {
            return apps.Exists(a => a.BundleId == bundleId);
        }
    }

    public bool Carries(Func<SimulatedApp, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (sync)
        {
            return apps.Any(match);
        }
    }

    public EnrollRequest EnrollRequest()
    {
        lock (sync)
        {
            return new(Udid, SerialNumber, Model, osVersion, Owner, supervised);
        }
    }

    internal void Enrolled(EnrollResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (sync)
        {
            DeviceId = response.DeviceId;
            Token = response.DeviceToken;
        }
    }

    /// <summary>
    /// The next check-in body: facts, inventory, the profiles its apps need, and the results not yet taken. The sequence
    /// grows past <paramref name="notBefore"/> (a clock reading), so a restarted simulator is never taken for a replay.
    /// </summary>
    public CheckInRequest NextCheckIn(long notBefore)
    {
        lock (sync)
        {
            lastSequence = Math.Max(lastSequence + 1, notBefore);
            return new CheckInRequest(
                lastSequence, osVersion, supervised, jailbroken, containerEnabled,
                apps.Select(a => MdmOnly ? a.ToContract() with { TeamId = null, SignerSha1 = null } : a.ToContract()).ToList(),
                apps.Select(a => a.Profile).OfType<SimulatedProfile>().DistinctBy(p => p.Uuid)
                    .Select(p => MdmOnly ? p.ToContract() with { TeamId = null, ProvisionsAllDevices = null } : p.ToContract()).ToList(),
                unsent.Values.ToList());
        }
    }

    /// <summary>Takes the server's answer to <paramref name="request"/>: the results it carried are delivered, the new commands are run.</summary>
    public void Apply(CheckInRequest request, CheckInResponse response, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        lock (sync)
        {
            foreach (var delivered in request.CommandResults ?? [])
            {
                if (delivered?.CommandId is { } id)
                {
                    unsent.Remove(id);
                }
            }

            compliance = response.Compliance;
            violations = response.Violations.Select(v => v.RuleId).Distinct(StringComparer.Ordinal).ToList();
            lastCheckInAtUtc = nowUtc;
            lastError = null;
            foreach (var command in response.Commands)
            {
                if (answered.TryGetValue(command.CommandId, out var earlier))
                {
                    // Delivered again (the server did not hear the answer, or replays a sequence): answer again, never run twice.
                    unsent[command.CommandId] = earlier;
                    continue;
                }

                var result = Run(command);
                unsent[command.CommandId] = result;
                answered[command.CommandId] = result;
                answeredOrder.Enqueue(command.CommandId);
                while (answeredOrder.Count > MaxRemembered)
                {
                    answered.Remove(answeredOrder.Dequeue());
                }
            }
        }
    }

    internal void Failed(string error)
    {
        lock (sync)
        {
            lastError = error;
        }
    }

    /// <summary>Installs <paramref name="app"/>, replacing any app with its bundle id (what a Masque install does to the genuine app).</summary>
    public void Install(SimulatedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        lock (sync)
        {
            apps.RemoveAll(a => a.BundleId == app.BundleId);
            apps.Add(app);
            if (app.Managed)
            {
                offeredCatalogApps.Add(app.BundleId);
            }
        }
    }

    /// <summary>
    /// MDM pushes a newly published catalog app once; a device that already has an app with that bundle id (an impostor
    /// included) keeps it, and one removed later is not pushed again.
    /// </summary>
    public void OfferCatalogApps(IEnumerable<SimulatedApp> catalogApps)
    {
        ArgumentNullException.ThrowIfNull(catalogApps);
        lock (sync)
        {
            foreach (var app in catalogApps)
            {
                if (offeredCatalogApps.Add(app.BundleId) && !apps.Exists(a => a.BundleId == app.BundleId))
                {
                    apps.Add(app);
                }
            }
        }
    }

    public void SetOsVersion(string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        lock (sync)
        {
            osVersion = version;
        }
    }

    public void Jailbreak()
    {
        lock (sync)
        {
            jailbroken = true;
        }
    }

    public SimulatedDeviceView Snapshot()
    {
        lock (sync)
        {
            return new(Udid, SerialNumber, Model, Owner, osVersion, supervised, containerEnabled, jailbroken, network, DeviceId, lastSequence,
                apps.ToList(), unsent.Keys.ToList(), notifications.ToList(), compliance, violations, lastCheckInAtUtc, lastError, MdmOnly);
        }
    }

    // ---- obeying commands, as the device would (caller holds sync) ----

    private CommandResult Run(CommandView command)
    {
        switch (command.Type)
        {
            case CommandType.Notify:
                notifications.Add(Text(command.Payload, "message") ?? "(no message)");
                if (notifications.Count > MaxNotifications)
                {
                    notifications.RemoveAt(0);
                }

                return Acknowledged(command, "Shown to the user.");
            case CommandType.BlockNetwork:
                network = NetworkState.Blocked;
                return Acknowledged(command, "Corporate Wi-Fi, VPN and Exchange configurations removed.");
            case CommandType.UnblockNetwork:
                network = NetworkState.Allowed;
                return Acknowledged(command, "Corporate Wi-Fi, VPN and Exchange configurations restored.");
            case CommandType.RemoveApp:
                return Text(command.Payload, "bundleId") is not { } bundleId
                    ? Error(command, "The command names no bundleId.")
                    : apps.Exists(a => a.BundleId == bundleId && !a.Managed)
                        ? Error(command, $"{bundleId} is not managed: iOS lets MDM remove managed apps only.")
                        : Remove(command, a => a.BundleId == bundleId, $"No app with bundle id {bundleId} is installed.");
            case CommandType.RemoveProfile:
                return (Text(command.Payload, "uuid") ?? Text(command.Payload, "profileUuid")) is not { } uuid
                    ? Error(command, "The command names no profile uuid.")
                    : Remove(command, a => a.Profile?.Uuid == uuid, $"No provisioning profile {uuid} is installed.");
            case CommandType.SelectiveWipe:
                var corporate = apps.RemoveAll(a => a.Managed || a.Distribution == SimulatedApp.Enterprise);
                return Acknowledged(command, $"Removed {corporate} managed or in-house app(s) and the corporate data; personal apps kept.");
            case CommandType.FullWipe:
                var all = apps.Count;
                apps.Clear();
                notifications.Clear();
                (jailbroken, network) = (false, NetworkState.Allowed);
                return Acknowledged(command, $"Erased: {all} app(s) and all data removed.");
            default:
                return Error(command, $"{command.Type} is not supported by this device.");
        }
    }

    private CommandResult Remove(CommandView command, Predicate<SimulatedApp> match, string missing)
    {
        var removed = apps.FindAll(match);
        if (removed.Count == 0)
        {
            return Error(command, missing);
        }

        apps.RemoveAll(match);
        return Acknowledged(command, "Removed " + string.Join(", ", removed.Select(a => $"{a.Name} {a.Version} ({a.BundleId}, team {a.TeamId ?? "unknown"})")) + ".");
    }

    private static string? Text(JsonObject payload, string key) =>
        payload[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static CommandResult Acknowledged(CommandView command, string detail) => new(command.CommandId, "Acknowledged", detail);

    private static CommandResult Error(CommandView command, string detail) => new(command.CommandId, "Error", detail);
}
