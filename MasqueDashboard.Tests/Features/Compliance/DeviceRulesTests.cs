using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Tests.Features.Compliance;

public sealed class DeviceRulesTests
{
    private static readonly FleetSnapshot Snapshot = new(new CatalogSnapshot(
        [new CatalogAppView("com.example.bank", "Example Bank", "ABCDE12345", ["examplebank"], [])],
        new HashSet<string> { "ABCDE12345" },
        new HashSet<string> { "dead00000000000000000000000000000000beef" },
        new HashSet<string> { new string('a', 64) }));

    private static AppBuild Build(string bundleId, string? team, string? distribution = "AppStore", string? signer = null, string schemes = "", string? sha256 = null) =>
        new() { Key = "k", BundleId = bundleId, TeamId = team, Distribution = distribution, SignerSha1 = signer, UrlSchemes = schemes, Sha256 = sha256 };

    private static string[] Rules(AppBuild build) => DeviceRules.Judge(build, Snapshot).Select(v => v.RuleId).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_genuine_catalog_build_and_app_store_apps_are_clean()
    {
        Assert.Empty(Rules(Build("com.example.bank", "ABCDE12345", "Enterprise", schemes: "examplebank")));
        Assert.Empty(Rules(Build("com.facebook.Facebook", "V9WTTPBFK9", schemes: "fb")));
    }

    [Fact]
    public void Each_app_rule_fires_on_its_case()
    {
        Assert.Equal([ViolationIds.MasqueBundleHijack, ViolationIds.SignerUntrustedEnterprise], Rules(Build("com.example.bank", "EVIL123456", "Enterprise")));
        Assert.Equal([ViolationIds.MasqueUrlSchemeHijack], Rules(Build("com.evil.torch", "EVIL123456", schemes: "other ExampleBank")));
        Assert.Equal([ViolationIds.SignerRevoked], Rules(Build("com.example.old", "ABCDE12345", "Enterprise", "dead00000000000000000000000000000000beef")));
        Assert.Equal([ViolationIds.KnownMalwareHash], Rules(Build("com.yispecter.x", "V9WTTPBFK9", sha256: new string('a', 64))));
    }

    [Fact]
    public void Without_signer_data_the_team_rules_stay_silent_but_an_enterprise_scheme_claim_is_flagged()
    {
        Assert.Empty(Rules(Build("com.example.bank", null, null)));
        Assert.Equal([ViolationIds.MasqueUrlSchemeHijack], Rules(Build("com.evil.torch", null, "Enterprise", schemes: "examplebank")));
        Assert.Empty(Rules(Build("com.some.store.app", null, null, schemes: "examplebank")));
    }

    [Fact]
    public void Device_rules_follow_the_enabled_policies()
    {
        var now = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);
        var device = new DeviceFacts(OsVersions.Key("7.0.4"), "7.0.4", false, false, true, now.AddDays(-10),
            [new ReportedProfile("UUID-1", "Evil Distribution", "EVIL123456", null, true), new ReportedProfile("UUID-2", "Corp", "ABCDE12345", null, true)]);
        var all = DeviceRules.Judge(device, PolicyDocument.Default, Snapshot, now).ToList();
        Assert.Equal(
            new[] { ViolationIds.CheckInOverdue, ViolationIds.ContainerDisabled, ViolationIds.DeviceJailbroken, ViolationIds.DeviceNotSupervised, ViolationIds.OsVersionBelowMinimum, ViolationIds.UntrustedProvisioningProfile },
            all.Select(v => v.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal("UUID-1", all.Single(v => v.RuleId == ViolationIds.UntrustedProvisioningProfile).Subject);

        var relaxed = new PolicyDocument(PolicyDocument.Default.Policies.Select(p => p with { Enabled = false }).ToList());
        Assert.Empty(DeviceRules.Judge(device, relaxed, Snapshot, now));
    }

    [Theory]
    [InlineData("7.1", 70100)]
    [InlineData("8.1.3", 80103)]
    [InlineData("10", 100000)]
    [InlineData("7.1.2.4", 0)]
    [InlineData("seven", 0)]
    [InlineData("", 0)]
    [InlineData("7.-1", 0)]
    [InlineData("7.100", 0)]
    public void Os_versions_compare_as_numbers(string version, int key) => Assert.Equal(key, OsVersions.Key(version));

    [Fact]
    public void The_default_policies_round_trip_and_validate()
    {
        var copy = PolicyDocument.Deserialize(PolicyDocument.Default.Serialize());
        Assert.Equal(PolicyDocument.Default.Serialize(), copy.Validate().Serialize());
        Assert.Equal(TimeSpan.FromHours(24), copy[PolicyIds.NoMasqueApps].Ladder[1].After);
        Assert.Equal([CommandType.Notify, CommandType.BlockNetwork, CommandType.RemoveApp], copy[PolicyIds.NoMasqueApps].Ladder[0].Actions);
    }

    [Theory]
    [InlineData("minimum-os", "eight")]
    [InlineData("checkin", "0")]
    public void Bad_settings_are_refused(string policy, string setting)
    {
        var bad = new PolicyDocument(PolicyDocument.Default.Policies.Select(p => p.Id == policy ? p with { Setting = setting } : p).ToList());
        Assert.Equal(RefusalKind.Invalid, Assert.Throws<DomainException>(() => bad.Validate()).Kind);
    }

    [Fact]
    public void Ladders_out_of_order_empty_or_missing_a_policy_are_refused()
    {
        var unordered = new PolicyDocument(PolicyDocument.Default.Policies.Select(p => p.Id == PolicyIds.NoMasqueApps
            ? p with { Ladder = [new(TimeSpan.FromHours(5), [CommandType.Notify]), new(TimeSpan.FromHours(1), [CommandType.BlockNetwork])] } : p).ToList());
        Assert.Throws<DomainException>(() => unordered.Validate());
        var empty = new PolicyDocument(PolicyDocument.Default.Policies.Select(p => p with { Ladder = [] }).ToList());
        Assert.Throws<DomainException>(() => empty.Validate());
        Assert.Throws<DomainException>(() => new PolicyDocument(PolicyDocument.Default.Policies.Skip(1).ToList()).Validate());
    }
}
