using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Features.Compliance;

/// <summary>A rule an installed build or a device fails.</summary>
/// <param name="Managed">For an app: whether the device reported it managed (null: not said). iOS lets MDM remove managed apps only.</param>
/// <param name="ProfileUuid">For an app: the provisioning profile it needs to launch, when reported.</param>
public sealed record ViolationFact(string PolicyId, string RuleId, string Subject, string Detail, bool? Managed = null, string? ProfileUuid = null);

/// <summary>A provisioning profile as a device reports it (PRODUCT.md §6; team and flag only from an agent).</summary>
public sealed record ReportedProfile(string Uuid, string? Name, string? TeamId, DateTime? ExpiresAt, bool? ProvisionsAllDevices);

/// <summary>The device facts the device-level rules read.</summary>
public sealed record DeviceFacts(int OsVersionKey, string OsVersion, bool Supervised, bool ContainerEnabled, bool Jailbroken, DateTime? LastCheckInAtUtc, IReadOnlyList<ReportedProfile> Profiles)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static DeviceFacts Of(Fleet.Device device, IReadOnlyList<ReportedProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(device.OsVersionKey, device.OsVersion, device.Supervised, device.ContainerEnabled, device.Jailbroken, device.LastCheckInAtUtc, profiles);
    }

    /// <summary>The facts as stored, with the profiles the device last reported.</summary>
    public static DeviceFacts Of(Fleet.Device device) => Of(device, ProfilesOf(device));

    /// <summary>The provisioning profiles a device last reported (stored as JSON on the device row).</summary>
    public static List<ReportedProfile> ProfilesOf(Fleet.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.ProfilesJson is "[]" or "" ? [] : System.Text.Json.JsonSerializer.Deserialize<List<ReportedProfile>>(device.ProfilesJson, Json) ?? [];
    }
}

/// <summary>
/// What the device-side rules compare against: the catalog, trusted teams, revoked certificates and known-bad
/// hashes, indexed for lookups. Built from the scanner's <see cref="CatalogSnapshot"/>, so both judge alike.
/// </summary>
public sealed class FleetSnapshot
{
    public FleetSnapshot(CatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        ByBundleId = catalog.PublishedApps.GroupBy(a => a.BundleId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ByScheme = catalog.PublishedApps
            .SelectMany(a => a.UrlSchemes.Select(s => (Scheme: s.ToLowerInvariant(), App: a)))
            .GroupBy(x => x.Scheme, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().App, StringComparer.Ordinal);
        BuildsByBundleId = catalog.PublishedBuilds.ToLookup(b => b.BundleId, StringComparer.Ordinal);
        PublishedProfileUuids = catalog.PublishedBuilds.Select(b => b.ProfileUuid).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public CatalogSnapshot Catalog { get; }

    public IReadOnlyDictionary<string, CatalogAppView> ByBundleId { get; }

    public IReadOnlyDictionary<string, CatalogAppView> ByScheme { get; }

    /// <summary>The published builds (current and earlier versions) of each published app.</summary>
    public ILookup<string, CatalogBuildView> BuildsByBundleId { get; }

    /// <summary>The provisioning profiles of published builds: a profile of unknown team with one of these UUIDs is the catalog's.</summary>
    public IReadOnlySet<string> PublishedProfileUuids { get; }

    /// <summary>The snapshot with one more revoked certificate: used inside a revocation's own transaction.</summary>
    public FleetSnapshot WithRevoked(string sha1) => new(Catalog with
    {
        RevokedCertificateSha1s = Catalog.RevokedCertificateSha1s.Append(sha1).ToHashSet(StringComparer.Ordinal),
    });
}

/// <summary>The device-side rules of PRODUCT.md §7, pure functions of a build or a device and the snapshot.</summary>
public static class DeviceRules
{
    private const string Enterprise = "Enterprise";

    /// <summary>The rules one installed build fails (each a <c>no-masque-apps</c> violation about its bundle id).</summary>
    public static IReadOnlyList<ViolationFact> Judge(AppBuild app, FleetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(snapshot);
        List<ViolationFact>? found = null;
        void Add(string rule, string detail) => (found ??= []).Add(new(PolicyIds.NoMasqueApps, rule, app.BundleId, detail, app.Managed, app.ProfileUuid));

        var named = $"{app.BundleId}{(app.Version is null ? "" : " " + app.Version)}";
        if (snapshot.ByBundleId.TryGetValue(app.BundleId, out var genuine) && app.TeamId is not null && app.TeamId != genuine.TeamId)
        {
            Add(ViolationIds.MasqueBundleHijack, $"{named} is signed by team {app.TeamId}; the catalog app \"{genuine.Name}\" with this bundle id belongs to team {genuine.TeamId}.");
        }

        foreach (var scheme in CatalogSplit(app.UrlSchemes))
        {
            if (snapshot.ByScheme.TryGetValue(scheme.ToLowerInvariant(), out var owner) && owner.BundleId != app.BundleId
                && (app.TeamId is null ? app.Distribution is Enterprise : app.TeamId != owner.TeamId))
            {
                Add(ViolationIds.MasqueUrlSchemeHijack, $"{named} (team {app.TeamId ?? "unknown"}) claims the URL scheme \"{scheme}\" of the catalog app \"{owner.Name}\" ({owner.BundleId}, team {owner.TeamId}).");
                break;
            }
        }

        if (genuine is not null && (app.TeamId is null || app.TeamId == genuine.TeamId) && NotPublished(app, genuine, snapshot) is { } differs)
        {
            Add(ViolationIds.AppNotFromCatalog, $"{named} carries the bundle id of the catalog app \"{genuine.Name}\" (team {genuine.TeamId}) but is not a build the catalog published: {differs}.");
        }

        if (app.SignerSha1 is not null && snapshot.Catalog.RevokedCertificateSha1s.Contains(app.SignerSha1))
        {
            Add(ViolationIds.SignerRevoked, $"{named} is signed by the revoked certificate {app.SignerSha1}.");
        }

        if (app.Distribution is Enterprise && app.TeamId is not null && !snapshot.Catalog.TrustedTeamIds.Contains(app.TeamId))
        {
            Add(ViolationIds.SignerUntrustedEnterprise, $"{named} is signed with an enterprise certificate of team {app.TeamId}, which is not a trusted signer.");
        }

        if (app.Sha256 is not null && snapshot.Catalog.KnownBadSha256s.Contains(app.Sha256))
        {
            Add(ViolationIds.KnownMalwareHash, $"{named} has the known-bad package hash {app.Sha256}.");
        }

        return found ?? (IReadOnlyList<ViolationFact>)[];
    }

    /// <summary>The device-level rules: every enabled policy's rules but the app rules of <c>no-masque-apps</c>.</summary>
    public static IEnumerable<ViolationFact> Judge(DeviceFacts device, PolicyDocument policies, FleetSnapshot snapshot, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(snapshot);
        var minimum = policies.MinimumOsKey;
        if (minimum > 0 && device.OsVersionKey < minimum)
        {
            yield return new(PolicyIds.MinimumOs, ViolationIds.OsVersionBelowMinimum, "", $"iOS {device.OsVersion} is below the minimum {policies[PolicyIds.MinimumOs].Setting}.");
        }

        if (policies[PolicyIds.Supervised].Enabled && !device.Supervised)
        {
            yield return new(PolicyIds.Supervised, ViolationIds.DeviceNotSupervised, "", "The device is not supervised.");
        }

        if (policies[PolicyIds.Container].Enabled && !device.ContainerEnabled)
        {
            yield return new(PolicyIds.Container, ViolationIds.ContainerDisabled, "", "The corporate container is disabled.");
        }

        if (policies[PolicyIds.NotJailbroken].Enabled && device.Jailbroken)
        {
            yield return new(PolicyIds.NotJailbroken, ViolationIds.DeviceJailbroken, "", "The device reports a jailbreak.");
        }

        if (policies.CheckInWithin is { } within && device.LastCheckInAtUtc is { } last && last < nowUtc - within)
        {
            yield return new(PolicyIds.CheckIn, ViolationIds.CheckInOverdue, "", $"Last check-in {last:yyyy-MM-dd HH:mm} UTC, more than {within.TotalDays:0} days ago.");
        }

        if (policies[PolicyIds.NoMasqueApps].Enabled)
        {
            foreach (var profile in device.Profiles)
            {
                if (profile.TeamId is null && !snapshot.PublishedProfileUuids.Contains(profile.Uuid))
                {
                    // What MDM's ProvisioningProfileList gives: no team. Only a profile a published catalog build embeds is known good.
                    yield return new(PolicyIds.NoMasqueApps, ViolationIds.UntrustedProvisioningProfile, profile.Uuid,
                        $"Provisioning profile \"{profile.Name ?? profile.Uuid}\" ({profile.Uuid}) reports no team, and no published catalog app is built with it.");
                }
                else if (profile.TeamId is not null && !snapshot.Catalog.TrustedTeamIds.Contains(profile.TeamId))
                {
                    yield return new(PolicyIds.NoMasqueApps, ViolationIds.UntrustedProvisioningProfile, profile.Uuid,
                        $"Provisioning profile \"{profile.Name ?? profile.Uuid}\" ({profile.Uuid}) is from team {profile.TeamId}, which is not a trusted signer"
                        + (profile.ProvisionsAllDevices == true ? "; it provisions all devices (enterprise)." : "."));
                }
            }
        }
    }

    /// <summary>
    /// What sets an installed build with a catalog bundle id apart from every build the catalog published (PRODUCT.md §7):
    /// a version never published, another distribution, or — when the device reports one — another signer. Null when it
    /// matches a published build. Any version in the app's history counts, so a rollout of a new version raises nothing.
    /// </summary>
    public static string? NotPublished(AppBuild app, CatalogAppView genuine, FleetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(genuine);
        ArgumentNullException.ThrowIfNull(snapshot);
        var published = snapshot.BuildsByBundleId[app.BundleId].ToList();
        if (published.Count == 0)
        {
            return null; // the catalog knows nothing of its builds to compare with
        }

        var differences = new List<string>();
        var versions = published.Select(b => b.Version).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (app.Version is not null && versions.Count > 0 && !versions.Contains(app.Version, StringComparer.Ordinal))
        {
            differences.Add($"version {app.Version} was never published (published: {string.Join(", ", versions.Take(10))})");
        }

        var distributions = published.Select(b => b.Distribution).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (app.Distribution is not null && distributions.Count > 0 && !distributions.Contains(app.Distribution, StringComparer.Ordinal))
        {
            differences.Add($"distribution {app.Distribution}, the catalog's is {string.Join(" or ", distributions)}");
        }

        var signers = published.SelectMany(b => b.SignerSha1s).Distinct(StringComparer.Ordinal).ToList();
        if (app.SignerSha1 is not null && signers.Count > 0 && !signers.Contains(app.SignerSha1, StringComparer.Ordinal))
        {
            differences.Add($"signed by certificate {app.SignerSha1}, which signed no published build");
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static string[] CatalogSplit(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
