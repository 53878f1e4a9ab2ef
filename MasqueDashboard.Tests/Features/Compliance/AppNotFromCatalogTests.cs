using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>PRODUCT.md §7, inventory without signer data: what an MDM that reports no team or signer still sees.</summary>
public sealed class AppNotFromCatalogTests
{
    private const string Team = "ABCDE12345";
    private const string Signer = "1111111111111111111111111111111111111111";
    private const string CatalogProfile = "6F1C9A2E-0000-4000-8000-00000000CAFE";

    // The catalog published 3.1 and, in the middle of its rollout, 3.2 (both still count as published).
    private static readonly FleetSnapshot Snapshot = new(new CatalogSnapshot(
        [new CatalogAppView("com.example.bank", "Example Bank", Team, ["examplebank"], [])],
        new HashSet<string> { Team },
        new HashSet<string>(),
        new HashSet<string>())
    {
        PublishedBuilds =
        [
            new CatalogBuildView("com.example.bank", "3.1", "Enterprise", [Signer], CatalogProfile),
            new CatalogBuildView("com.example.bank", "3.2", "Enterprise", [Signer], null),
        ],
    });

    private static AppBuild Build(string bundleId, string? version, string? distribution, string? team = null, string? signer = null) =>
        new() { Key = "k", BundleId = bundleId, Name = "Bank", Version = version, Distribution = distribution, TeamId = team, SignerSha1 = signer };

    private static IReadOnlyList<ViolationFact> Judge(AppBuild build) => DeviceRules.Judge(build, Snapshot);

    [Theory]
    [InlineData("3.1", null, null)]
    [InlineData("3.2", null, null)]
    [InlineData("3.1", Team, Signer)]
    [InlineData("3.2", Team, null)]
    public void The_published_builds_without_or_with_signer_data_are_clean_and_so_is_a_rollout_of_a_newer_version(string version, string? team, string? signer) =>
        Assert.Empty(Judge(Build("com.example.bank", version, "Enterprise", team, signer)));

    [Fact]
    public void App_store_apps_without_signer_data_are_clean() =>
        Assert.Empty(Judge(Build("com.facebook.Facebook", "20.0", "AppStore")));

    [Fact]
    public void A_version_the_catalog_never_published_is_not_from_the_catalog_and_the_evidence_says_what_differs()
    {
        var fact = Assert.Single(Judge(Build("com.example.bank", "3.1.99", "Enterprise")));

        Assert.Equal((ViolationIds.AppNotFromCatalog, PolicyIds.NoMasqueApps, "com.example.bank"), (fact.RuleId, fact.PolicyId, fact.Subject));
        Assert.Contains("\"Example Bank\"", fact.Detail, StringComparison.Ordinal);
        Assert.Contains("version 3.1.99 was never published (published: 3.1, 3.2)", fact.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_distribution_or_a_differing_reported_signer_is_not_from_the_catalog()
    {
        var adHoc = Assert.Single(Judge(Build("com.example.bank", "3.1", "AdHoc")));
        Assert.Contains("distribution AdHoc, the catalog's is Enterprise", adHoc.Detail, StringComparison.Ordinal);

        var resigned = Assert.Single(Judge(Build("com.example.bank", "3.1", "Enterprise", Team, "2222222222222222222222222222222222222222")));
        Assert.Equal(ViolationIds.AppNotFromCatalog, resigned.RuleId);
        Assert.Contains("signed by certificate 2222222222222222222222222222222222222222", resigned.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void With_another_team_reported_the_bundle_hijack_rule_speaks_and_this_one_stays_silent() =>
        Assert.DoesNotContain(Judge(Build("com.example.bank", "3.1.99", "Enterprise", "EVIL123456")), f => f.RuleId == ViolationIds.AppNotFromCatalog);

    [Fact]
    public void A_catalog_app_whose_builds_were_never_scanned_is_not_judged_on_them()
    {
        var bare = new FleetSnapshot(Snapshot.Catalog with { PublishedBuilds = [] });
        Assert.Empty(DeviceRules.Judge(Build("com.example.bank", "9.9", "AdHoc"), bare));
    }

    [Fact]
    public void A_profile_of_unknown_team_is_untrusted_unless_a_published_build_embeds_it()
    {
        var now = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);
        var device = new DeviceFacts(OsVersions.Key("8.1"), "8.1", true, true, false, now,
            [new ReportedProfile(CatalogProfile, "Example Bank In-House", null, null, null), new ReportedProfile("UUID-EVIL", "iOS In-House Distribution", null, null, null)]);

        var flagged = Assert.Single(DeviceRules.Judge(device, PolicyDocument.Default, Snapshot, now));

        Assert.Equal((ViolationIds.UntrustedProvisioningProfile, "UUID-EVIL"), (flagged.RuleId, flagged.Subject));
        Assert.Contains("reports no team", flagged.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_app_fact_carries_what_the_device_said_of_its_management_and_profile()
    {
        var build = Build("com.example.bank", "3.1.99", "Enterprise");
        build.Managed = false;
        build.ProfileUuid = "UUID-EVIL";

        var fact = Assert.Single(Judge(build));

        Assert.Equal((false, "UUID-EVIL"), (fact.Managed, fact.ProfileUuid));
    }
}
