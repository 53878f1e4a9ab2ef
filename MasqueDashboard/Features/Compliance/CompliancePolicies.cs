using System.Text.Json;
using System.Text.Json.Serialization;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Features.Compliance;

/// <summary>Violation ids of PRODUCT.md §7: public, as written there.</summary>
public static class ViolationIds
{
    public const string MasqueBundleHijack = "MASQUE-BUNDLE-HIJACK";
    public const string MasqueUrlSchemeHijack = "MASQUE-URL-SCHEME-HIJACK";
    public const string SignerRevoked = "SIGNER-REVOKED";
    public const string SignerUntrustedEnterprise = "SIGNER-UNTRUSTED-ENTERPRISE";
    public const string KnownMalwareHash = "KNOWN-MALWARE-HASH";
    public const string OsVersionBelowMinimum = "OS-VERSION-BELOW-MINIMUM";
    public const string DeviceNotSupervised = "DEVICE-NOT-SUPERVISED";
    public const string ContainerDisabled = "CONTAINER-DISABLED";
    public const string DeviceJailbroken = "DEVICE-JAILBROKEN";
    public const string CheckInOverdue = "CHECKIN-OVERDUE";
    public const string UntrustedProvisioningProfile = "UNTRUSTED-PROVISIONING-PROFILE";
    public const string AppNotFromCatalog = "APP-NOT-FROM-CATALOG";
}

/// <summary>The policies, by id. Each policy owns a set of violation ids.</summary>
public static class PolicyIds
{
    public const string MinimumOs = "minimum-os";
    public const string Supervised = "supervised";
    public const string Container = "container";
    public const string NoMasqueApps = "no-masque-apps";
    public const string NotJailbroken = "not-jailbroken";
    public const string CheckIn = "checkin";

    public static IReadOnlyList<string> All { get; } = [MinimumOs, Supervised, Container, NoMasqueApps, NotJailbroken, CheckIn];

    public static IReadOnlyList<string> RulesOf(string policyId) => policyId switch
    {
        MinimumOs => [ViolationIds.OsVersionBelowMinimum],
        Supervised => [ViolationIds.DeviceNotSupervised],
        Container => [ViolationIds.ContainerDisabled],
        NoMasqueApps =>
        [
            ViolationIds.MasqueBundleHijack, ViolationIds.MasqueUrlSchemeHijack, ViolationIds.SignerRevoked,
            ViolationIds.SignerUntrustedEnterprise, ViolationIds.KnownMalwareHash, ViolationIds.UntrustedProvisioningProfile,
            ViolationIds.AppNotFromCatalog,
        ],
        NotJailbroken => [ViolationIds.DeviceJailbroken],
        CheckIn => [ViolationIds.CheckInOverdue],
        _ => [],
    };
}

/// <summary>One rung of a policy's escalation ladder: these actions, this long after the violation began.</summary>
public sealed record LadderStep(TimeSpan After, IReadOnlyList<CommandType> Actions);

/// <param name="Id">One of <see cref="PolicyIds"/>.</param>
/// <param name="Enabled">A disabled policy raises no violations.</param>
/// <param name="Setting">The minimum iOS version for <c>minimum-os</c>, the days for <c>checkin</c>; unused otherwise.</param>
/// <param name="Ladder">Escalation steps, in order of <see cref="LadderStep.After"/>.</param>
public sealed record Policy(string Id, bool Enabled, string? Setting, IReadOnlyList<LadderStep> Ladder)
{
    public string Name => Id switch
    {
        PolicyIds.MinimumOs => "Minimum iOS version",
        PolicyIds.Supervised => "Supervised required",
        PolicyIds.Container => "Container required",
        PolicyIds.NoMasqueApps => "No Masque, revoked, untrusted or malware apps",
        PolicyIds.NotJailbroken => "Not jailbroken",
        PolicyIds.CheckIn => "Checked in recently",
        _ => Id,
    };
}

/// <summary>The whole set of compliance policies, versioned as one document.</summary>
public sealed record PolicyDocument(IReadOnlyList<Policy> Policies)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly IReadOnlyList<CommandType> Contain = [CommandType.Notify, CommandType.BlockNetwork, CommandType.RemoveApp];

    /// <summary>PRODUCT.md §7's defaults: iOS 7.1; Masque and other bad apps contained at once and selectively wiped after 24 h.</summary>
    public static PolicyDocument Default { get; } = new(
    [
        new(PolicyIds.MinimumOs, true, "7.1", [new(TimeSpan.Zero, [CommandType.Notify]), new(TimeSpan.FromDays(7), [CommandType.BlockNetwork])]),
        new(PolicyIds.Supervised, true, null, [new(TimeSpan.Zero, [CommandType.Notify])]),
        new(PolicyIds.Container, true, null, [new(TimeSpan.Zero, [CommandType.Notify])]),
        new(PolicyIds.NoMasqueApps, true, null, [new(TimeSpan.Zero, Contain), new(TimeSpan.FromHours(24), [CommandType.SelectiveWipe])]),
        new(PolicyIds.NotJailbroken, true, null, [new(TimeSpan.Zero, [CommandType.Notify, CommandType.BlockNetwork]), new(TimeSpan.FromHours(24), [CommandType.SelectiveWipe])]),
        new(PolicyIds.CheckIn, true, "7", [new(TimeSpan.Zero, [CommandType.Notify])]),
    ]);

    public Policy this[string id] => Policies.First(p => p.Id == id);

    /// <summary>The minimum iOS version as a sortable key; 0 when the policy is off.</summary>
    public int MinimumOsKey => this[PolicyIds.MinimumOs] is { Enabled: true, Setting: { } v } ? OsVersions.Key(v) : 0;

    public TimeSpan? CheckInWithin => this[PolicyIds.CheckIn] is { Enabled: true, Setting: { } d } && int.TryParse(d, out var days) ? TimeSpan.FromDays(days) : null;

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static PolicyDocument Deserialize(string json) =>
        JsonSerializer.Deserialize<PolicyDocument>(json, Json) ?? throw new InvalidOperationException("Empty policy document.");

    /// <summary>Refuses a document an EMM administrator must not save: unknown or missing policies, bad settings, FullWipe on a ladder.</summary>
    public PolicyDocument Validate()
    {
        if (Policies.Select(p => p.Id).Order(StringComparer.Ordinal).SequenceEqual(PolicyIds.All.Order(StringComparer.Ordinal)) is false)
        {
            throw DomainException.Invalid($"The policies must be exactly: {string.Join(", ", PolicyIds.All)}.");
        }

        foreach (var p in Policies)
        {
            if (p.Id == PolicyIds.MinimumOs && (p.Setting is null || !OsVersions.TryKey(p.Setting, out _)))
            {
                throw DomainException.Invalid("The minimum iOS version must look like 7.1 or 8.1.3.");
            }

            if (p.Id == PolicyIds.CheckIn && (!int.TryParse(p.Setting, out var days) || days is < 1 or > 365))
            {
                throw DomainException.Invalid("Check-in within must be between 1 and 365 days.");
            }

            if (p.Ladder.Count is 0 or > 10)
            {
                throw DomainException.Invalid($"{p.Name}: the ladder needs between 1 and 10 steps.");
            }

            if (p.Ladder.Any(s => s.After < TimeSpan.Zero || s.After > TimeSpan.FromDays(365) || s.Actions.Count == 0))
            {
                throw DomainException.Invalid($"{p.Name}: every step needs at least one action and a delay between 0 and 365 days.");
            }

            if (p.Ladder.Zip(p.Ladder.Skip(1)).Any(pair => pair.Second.After < pair.First.After))
            {
                throw DomainException.Invalid($"{p.Name}: steps must be in order of their delay.");
            }

            if (p.Ladder.SelectMany(s => s.Actions).Any(a => a is CommandType.FullWipe or CommandType.UnblockNetwork or CommandType.RemoveProfile))
            {
                throw DomainException.Invalid($"{p.Name}: a ladder may Notify, BlockNetwork, RemoveApp and SelectiveWipe; a full wipe needs a person and a second administrator.");
            }
        }

        return this;
    }
}

/// <summary>iOS version strings as comparable numbers.</summary>
public static class OsVersions
{
    public static int Key(string? version) => TryKey(version, out var key) ? key : 0;

    public static bool TryKey(string? version, out int key)
    {
        key = 0;
        if (string.IsNullOrWhiteSpace(version) || version.Length > 16)
        {
            return false;
        }

        var parts = version.Trim().Split('.');
        if (parts.Length is < 1 or > 3)
        {
            return false;
        }

        var values = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] > 99)
            {
                return false;
            }
        }

        key = (values[0] * 10_000) + (values[1] * 100) + values[2];
        return true;
    }
}
