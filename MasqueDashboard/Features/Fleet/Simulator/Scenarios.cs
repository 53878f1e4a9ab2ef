using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>The attacks and mishaps an EMM administrator can set loose on the simulated fleet (PRODUCT.md §6).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<Scenario>))]
public enum Scenario
{
    /// <summary>An enterprise-signed impostor replaces a catalog app (App Masque, DOMAIN.md §1).</summary>
    MasqueCampaign,

    /// <summary>An enterprise app claims a catalog app's URL scheme (URL Masque).</summary>
    UrlSchemeHijack,

    /// <summary>An in-house app signed by a revoked certificate, or by one to be revoked later.</summary>
    RevokedCertificateApp,

    /// <summary>iOS goes back to 7.0.4, below the 7.1 minimum.</summary>
    OsDowngrade,

    /// <summary>The device reports a jailbreak.</summary>
    Jailbreak,
}

/// <param name="DeviceIds">The server's ids of the devices the scenario reached.</param>
/// <param name="RuleIds">The violations the scenario is meant to raise that the server reported for those devices.</param>
/// <param name="Failed">Devices changed whose check-in did not get through (they report at their next one).</param>
public sealed record ScenarioResult(
    Scenario Scenario,
    int Requested,
    IReadOnlyList<long> DeviceIds,
    string Summary,
    IReadOnlyList<string> RuleIds,
    int Quarantined,
    int NonCompliant,
    int Failed);

/// <summary>What one scenario does to a device: who qualifies, who is preferred, and the change itself.</summary>
internal sealed record ScenarioPlan(
    string Summary,
    IReadOnlyList<string> ExpectedRules,
    Func<SimulatedDevice, bool> IsEligible,
    Func<SimulatedDevice, bool> IsPreferred,
    Action<SimulatedDevice> Apply);

public static class Scenarios
{
    /// <summary>The attacker's Apple Team ID: an enterprise account nobody in the organisation trusts.</summary>
    public const string AttackerTeamId = "EVIL123456";

    /// <summary>A partner's team, used for the legacy in-house app when the organisation trusts no team yet.</summary>
    public const string PartnerTeamId = "PRTNR12345";

    public const string DowngradeVersion = "7.0.4";

    /// <summary>The fallback victim when the catalog is empty: a well-known App Store app (FireEye's demo replaced Gmail).</summary>
    public const string FallbackVictimBundleId = "com.google.Gmail";

    public const string HijackerBundleId = "com.flappy.newflappybird";

    public const string LegacyAppBundleId = "com.example.timesheet";

    /// <summary>The attacker's enterprise distribution certificate.</summary>
    public static string AttackerSignerSha1 { get; } = Fingerprints.Sha1("iPhone Distribution: EVIL123456 enterprise (simulated)");

    /// <summary>The certificate the legacy app is signed with when none is revoked yet: revoke it to see the cascade.</summary>
    public static string LeakedCertificateSha1 { get; } = Fingerprints.Sha1("iPhone Distribution: leaked in-house certificate (simulated)");

    public static string Title(Scenario scenario) => scenario switch
    {
        Scenario.MasqueCampaign => "Masque phishing campaign",
        Scenario.UrlSchemeHijack => "URL-scheme hijacker",
        Scenario.RevokedCertificateApp => "Revoked-certificate app",
        Scenario.OsDowngrade => "OS downgrade",
        Scenario.Jailbreak => "Jailbreak",
        _ => scenario.ToString(),
    };

    public static string Description(Scenario scenario) => scenario switch
    {
        Scenario.MasqueCampaign => $"Users tap an itms-services link: an app signed with team {AttackerTeamId}'s enterprise certificate, carrying a catalog app's bundle id, replaces the genuine app.",
        Scenario.UrlSchemeHijack => $"\"New Flappy Bird\" ({AttackerTeamId}, enterprise) declares a catalog app's URL scheme and receives its links.",
        Scenario.RevokedCertificateApp => "An old in-house build signed by a revoked certificate (or by one you can revoke afterwards) turns up on devices.",
        Scenario.OsDowngrade => $"Devices go back to iOS {DowngradeVersion}, below the 7.1 that made enterprise installs require TLS.",
        Scenario.Jailbreak => "Devices report a jailbreak.",
        _ => "",
    };

    /// <summary>The plan of <paramref name="scenario"/> against the current catalog (<paramref name="catalogApps"/> as devices carry them).</summary>
    internal static ScenarioPlan Plan(Scenario scenario, CatalogSnapshot snapshot, IReadOnlyList<SimulatedApp> catalogApps, DateTime nowUtc) => scenario switch
    {
        Scenario.MasqueCampaign => MasqueCampaign(catalogApps, nowUtc),
        Scenario.UrlSchemeHijack => UrlSchemeHijack(catalogApps, nowUtc),
        Scenario.RevokedCertificateApp => RevokedCertificateApp(snapshot, nowUtc),
        Scenario.OsDowngrade => new(
            $"iOS downgraded to {DowngradeVersion}.",
            [ViolationIds.OsVersionBelowMinimum],
            d => d.OsVersion != DowngradeVersion && FleetGenerator.MinimumOs(d.Model) is { } minimum && OsVersions.Key(minimum) <= OsVersions.Key(DowngradeVersion),
            d => OsVersions.Key(d.OsVersion) >= OsVersions.Key("7.1"),
            d => d.SetOsVersion(DowngradeVersion)),
        Scenario.Jailbreak => new("Jailbroken.", [ViolationIds.DeviceJailbroken], d => !d.Jailbroken, _ => true, d => d.Jailbreak()),
        _ => throw Infrastructure.DomainException.Invalid("Unknown scenario."),
    };

    private static ScenarioPlan MasqueCampaign(IReadOnlyList<SimulatedApp> catalogApps, DateTime nowUtc)
    {
        var genuine = catalogApps.OrderBy(a => a.BundleId, StringComparer.Ordinal).FirstOrDefault();
        var victim = genuine ?? AppStoreApps.Find(FallbackVictimBundleId)!;
        // The attacker cannot know which version the catalog published: an MDM that sees no signer still sees that.
        var impostor = new SimulatedApp(victim.BundleId, victim.Name, ImpostorVersion(victim.Version), AttackerTeamId, AttackerSignerSha1, SimulatedApp.Enterprise,
            victim.UrlSchemes, Managed: false, AttackerProfile(nowUtc));
        List<string> rules = genuine is null
            ? [ViolationIds.SignerUntrustedEnterprise, ViolationIds.UntrustedProvisioningProfile]
            : [ViolationIds.MasqueBundleHijack, ViolationIds.SignerUntrustedEnterprise, ViolationIds.UntrustedProvisioningProfile, ViolationIds.AppNotFromCatalog];
        var summary = genuine is null
            ? $"The catalog is empty: a fake \"{victim.Name}\" ({victim.BundleId}) signed by {AttackerTeamId} replaced the App Store app."
            : $"A fake \"{victim.Name}\" ({victim.BundleId}) signed by {AttackerTeamId} replaced the catalog app.";
        return new(summary, rules,
            d => !d.Carries(a => a.BundleId == impostor.BundleId && a.TeamId == AttackerTeamId),
            d => d.Carries(victim.BundleId),
            d => d.Install(impostor));
    }

    private static ScenarioPlan UrlSchemeHijack(IReadOnlyList<SimulatedApp> catalogApps, DateTime nowUtc)
    {
        var owner = catalogApps.Where(a => a.UrlSchemes.Count > 0).OrderBy(a => a.BundleId, StringComparer.Ordinal).FirstOrDefault();
        var scheme = owner?.UrlSchemes[0] ?? AppStoreApps.Find(FallbackVictimBundleId)!.UrlSchemes[0];
        var hijacker = new SimulatedApp(HijackerBundleId, "New Flappy Bird", "1.0", AttackerTeamId, AttackerSignerSha1, SimulatedApp.Enterprise,
            [scheme, "newflappybird"], Managed: false, AttackerProfile(nowUtc));
        List<string> rules = owner is null
            ? [ViolationIds.SignerUntrustedEnterprise, ViolationIds.UntrustedProvisioningProfile]
            : [ViolationIds.MasqueUrlSchemeHijack, ViolationIds.SignerUntrustedEnterprise, ViolationIds.UntrustedProvisioningProfile];
        var summary = owner is null
            ? $"No catalog app declares a URL scheme: \"New Flappy Bird\" ({AttackerTeamId}) claims \"{scheme}\" of the App Store's Gmail."
            : $"\"New Flappy Bird\" ({AttackerTeamId}) claims \"{scheme}\", the URL scheme of \"{owner.Name}\" ({owner.BundleId}).";
        return new(summary, rules, d => !d.Carries(HijackerBundleId), d => owner is null || d.Carries(owner.BundleId), d => d.Install(hijacker));
    }

    private static ScenarioPlan RevokedCertificateApp(CatalogSnapshot snapshot, DateTime nowUtc)
    {
        var revoked = snapshot.RevokedCertificateSha1s.Order(StringComparer.Ordinal).FirstOrDefault();
        var team = snapshot.TrustedTeamIds.Order(StringComparer.Ordinal).FirstOrDefault() ?? PartnerTeamId;
        var sha1 = revoked ?? LeakedCertificateSha1;
        var app = new SimulatedApp(LegacyAppBundleId, "Timesheet (legacy build)", "1.4", team, sha1, SimulatedApp.Enterprise, [], Managed: true,
            SimulatedProfile.InHouse("Timesheet In-House", team, nowUtc));
        var rules = new List<string>();
        if (revoked is not null)
        {
            rules.Add(ViolationIds.SignerRevoked);
        }

        if (!snapshot.TrustedTeamIds.Contains(team))
        {
            rules.AddRange([ViolationIds.SignerUntrustedEnterprise, ViolationIds.UntrustedProvisioningProfile]);
        }

        var summary = revoked is not null
            ? $"\"Timesheet (legacy build)\" signed by the revoked certificate {sha1} (team {team}) installed."
            : $"\"Timesheet (legacy build)\" signed by certificate {sha1} (team {team}) installed. It is not revoked yet: revoke it (Signers, or POST /api/v1/signers/{sha1}/revoke) to watch the cascade.";
        return new(summary, rules, d => !d.Carries(a => a.BundleId == LegacyAppBundleId && a.SignerSha1 == sha1), _ => true, d => d.Install(app));
    }

    /// <summary>The impostor's version: the genuine one with a patch level the catalog never published.</summary>
    public static string ImpostorVersion(string? genuine) => $"{genuine ?? "1.0"}.99";

    private static SimulatedProfile AttackerProfile(DateTime nowUtc) => SimulatedProfile.InHouse("iOS In-House Distribution", AttackerTeamId, nowUtc);
}
