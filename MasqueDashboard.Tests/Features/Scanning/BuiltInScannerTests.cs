using System.Security.Cryptography;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Tests.Features.Scanning;

/// <summary>The built-in scanner end to end over packages the test builders make, rule by rule.</summary>
public sealed class BuiltInScannerTests
{
    private const string OtherTeam = "ZZZZZ99999";

    internal static readonly IReadOnlyList<IScanRule> AllRules = typeof(IScanRule).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScanRule).IsAssignableFrom(t))
        .Select(t => (IScanRule)Activator.CreateInstance(t)!)
        .ToList();

    /// <summary>The organisation trusts its own team; nothing is published, revoked or known bad.</summary>
    internal static CatalogSnapshot Trusting => CatalogSnapshot.Empty with { TrustedTeamIds = new HashSet<string> { TestPki.TeamId } };

    private sealed class FixedCatalog(CatalogSnapshot snapshot) : ICatalogView
    {
        public Task<CatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default) => Task.FromResult(snapshot);
    }

    internal static async Task<ScanReport> ScanAsync(byte[] package, CatalogSnapshot? catalog = null, TimeSpan? stageTimeout = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"masque-scan-{Guid.NewGuid():N}.ipa");
        await File.WriteAllBytesAsync(path, package);
        try
        {
            var scanner = new BuiltInScanner(
                new FixedCatalog(catalog ?? Trusting),
                TestPki.Shared.TrustRoots,
                AllRules,
                Options.Create(new ScannerOptions { StageTimeout = stageTimeout ?? TimeSpan.FromSeconds(60) }),
                TimeProvider.System,
                NullLogger<BuiltInScanner>.Instance);
            var result = await scanner.AnalyseAsync(new ScanRequest(path, Convert.ToHexStringLower(SHA256.HashData(package)), package.Length, "App.ipa"), default);
            return result.Report!;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<IReadOnlyList<string>> RulesFiredAsync(SampleApp app, CatalogSnapshot? catalog = null) =>
        (await ScanAsync(SamplePackages.Build(app), catalog)).Findings.Select(f => f.RuleId).ToList();

    private static CatalogSnapshot WithApp(CatalogAppView app) => Trusting with { PublishedApps = [app] };

    [Fact]
    public async Task A_properly_signed_build_of_a_trusted_team_is_clean_and_fully_described()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp { UrlSchemes = ["bank"] }));

        Assert.Empty(report.Findings);
        Assert.Equal(Verdict.Clean, report.Verdict);
        Assert.Equal(0, report.RiskScore);
        Assert.Equal("com.example.bank", report.App!.BundleId);
        Assert.Equal(["bank"], report.App.UrlSchemes);
        Assert.Equal(TestPki.TeamId, report.TeamId);
        Assert.Equal("Enterprise", report.Distribution);
        Assert.True(report.Profile!.ChainTrusted);
        Assert.True(report.Binary!.IsSigned);
        Assert.Equal("com.example.bank", report.Binary.CodeDirectoryIdentifier);
        Assert.Contains(report.SignerCertificates, c => c.Role == "Code signature" && c.Subject.Contains(TestPki.TeamId, StringComparison.Ordinal));
        Assert.Equal(false, report.Entitlements["get-task-allow"]);
    }

    [Fact]
    public async Task A_universal_binary_with_both_slices_signed_is_clean()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp { Fat = true }));

        Assert.Equal(["armv7", "arm64"], report.Binary!.Architectures);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task A_universal_binary_with_an_unsigned_slice_fires_codesign_missing()
    {
        var arm64 = SamplePackages.Executable(new SampleApp(), TestPki.Shared, TestPki.Shared.Distribution);
        var universal = MasqueDashboard.Tests.Features.Scanning.MachO.MachOBuilder.Fat(
        [
            new(new MasqueDashboard.Tests.Features.Scanning.MachO.MachOBuilder { Is64Bit = false, CpuType = 12, CpuSubtype = 9, Signature = null }.Build().Bytes, 12, 9),
            new(arm64, 0x0100000C, 0),
        ]).Bytes;

        var report = await ScanAsync(new IpaBuilder("Bank").WithInfoPlist(IpaBuilder.DefaultInfoPlist("Bank", "com.example.bank"))
            .WithExecutable(universal)
            .WithProvisioningProfile(SamplePackages.Profile(new SampleApp(), TestPki.Shared, TestPki.Shared.Distribution)).Build());

        Assert.Contains(report.Findings, f => f.RuleId == RuleIds.CodesignMissing && f.Evidence.Contains("armv7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_xml_info_plist_reads_like_a_binary_one()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp { InfoPlistFormat = PlistFormat.Xml }));

        Assert.Equal("com.example.bank", report.App!.BundleId);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task Masque_bundle_hijack_fires_for_another_team_and_not_for_the_owner()
    {
        var genuine = new CatalogAppView("com.example.bank", "Bank", OtherTeam, [], []);
        Assert.Contains(RuleIds.MasqueBundleHijack, await RulesFiredAsync(new SampleApp(), WithApp(genuine)));
        Assert.DoesNotContain(RuleIds.MasqueBundleHijack, await RulesFiredAsync(new SampleApp(), WithApp(genuine with { TeamId = TestPki.TeamId })));
    }

    [Fact]
    public async Task Url_scheme_hijack_fires_for_a_scheme_another_catalog_app_owns()
    {
        var other = new CatalogAppView("com.example.mail", "Mail", TestPki.TeamId, ["mailto-corp"], []);
        Assert.Contains(RuleIds.MasqueUrlSchemeHijack, await RulesFiredAsync(new SampleApp { UrlSchemes = ["mailto-corp"] }, WithApp(other)));
        Assert.DoesNotContain(RuleIds.MasqueUrlSchemeHijack, await RulesFiredAsync(new SampleApp { UrlSchemes = ["bank"] }, WithApp(other)));
        Assert.DoesNotContain(RuleIds.MasqueUrlSchemeHijack, await RulesFiredAsync(new SampleApp { UrlSchemes = ["mailto-corp"] }, WithApp(other with { BundleId = "com.example.bank" })));
    }

    [Fact]
    public async Task Extension_hijack_fires_for_a_foreign_prefix_or_another_teams_extension()
    {
        Assert.Contains(RuleIds.MasqueExtensionHijack, await RulesFiredAsync(new SampleApp { Extensions = [("Share", "com.evil.share")] }));
        Assert.DoesNotContain(RuleIds.MasqueExtensionHijack, await RulesFiredAsync(new SampleApp { Extensions = [("Share", "com.example.bank.share")] }));
        var owner = new CatalogAppView("com.example.other", "Other", OtherTeam, [], ["com.example.bank.share"]);
        Assert.Contains(RuleIds.MasqueExtensionHijack, await RulesFiredAsync(new SampleApp { Extensions = [("Share", "com.example.bank.share")] }, Trusting with { PublishedApps = [owner] }));
        Assert.DoesNotContain(RuleIds.MasqueExtensionHijack, await RulesFiredAsync(new SampleApp { Extensions = [("Share", "com.example.bank.share")], ExtensionTeamId = OtherTeam }, Trusting with { PublishedApps = [owner] }));
    }

    [Fact]
    public async Task An_extensions_own_code_signature_names_its_team()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp { Extensions = [("Share", "com.example.bank.share")], ExtensionTeamId = OtherTeam }));

        var extension = Assert.Single(report.Extensions);
        Assert.Equal("com.example.bank.share", extension.BundleId);
        Assert.Equal(OtherTeam, extension.TeamId);
        Assert.Equal("com.apple.share-services", extension.ExtensionPoint);
    }

    [Fact]
    public async Task A_revoked_signing_certificate_fires_signer_revoked()
    {
        var leaf = SigningCertificate.From(TestPki.Shared.Distribution);
        Assert.Contains(RuleIds.SignerRevoked, await RulesFiredAsync(new SampleApp(), Trusting with { RevokedCertificateSha1s = new HashSet<string> { leaf.Sha1 } }));
        Assert.DoesNotContain(RuleIds.SignerRevoked, await RulesFiredAsync(new SampleApp(), Trusting with { RevokedCertificateSha1s = new HashSet<string> { new string('0', 40) } }));
    }

    [Fact]
    public async Task An_enterprise_profile_of_an_untrusted_team_fires_and_an_app_store_one_does_not()
    {
        Assert.Contains(RuleIds.SignerUntrustedEnterprise, await RulesFiredAsync(new SampleApp(), CatalogSnapshot.Empty));
        Assert.DoesNotContain(RuleIds.SignerUntrustedEnterprise, await RulesFiredAsync(new SampleApp { Distribution = DistributionType.AppStore }, CatalogSnapshot.Empty));
    }

    [Fact]
    public async Task Known_malware_hashes_match_the_package_and_the_main_executable()
    {
        var package = SamplePackages.Build(new SampleApp());
        var packageHash = Convert.ToHexStringLower(SHA256.HashData(package));
        var clean = await ScanAsync(package);

        var byPackage = await ScanAsync(package, Trusting with { KnownBadSha256s = new HashSet<string> { packageHash } });
        var byBinary = await ScanAsync(package, Trusting with { KnownBadSha256s = new HashSet<string> { clean.Binary!.Sha256 } });

        Assert.Contains(byPackage.Findings, f => f.RuleId == RuleIds.KnownMalwareHash && f.Evidence.Contains(packageHash, StringComparison.Ordinal));
        Assert.Contains(byBinary.Findings, f => f.RuleId == RuleIds.KnownMalwareHash && f.Path == "Payload/Bank.app/Bank");
        Assert.Equal(Verdict.Malicious, byBinary.Verdict);
    }

    [Fact]
    public async Task Code_signature_rules_fire_on_their_defects()
    {
        Assert.Contains(RuleIds.CodesignMissing, await RulesFiredAsync(new SampleApp { CodeSigned = false }));
        Assert.Contains(RuleIds.CodesignTeamMismatch, await RulesFiredAsync(new SampleApp { CodeTeamId = OtherTeam }));
        Assert.Contains(RuleIds.CodesignIdentifierMismatch, await RulesFiredAsync(new SampleApp { CodeIdentifier = "com.example.other" }));
        Assert.Contains(RuleIds.CodesignUntrustedSigner, await RulesFiredAsync(new SampleApp { AdHoc = true }));
        Assert.Contains(RuleIds.CodesignUntrustedSigner, await RulesFiredAsync(new SampleApp { CodeFromUntrustedSigner = true }));
    }

    [Fact]
    public async Task Profile_rules_fire_on_their_defects()
    {
        Assert.Contains(RuleIds.ProfileSignatureInvalid, await RulesFiredAsync(new SampleApp { TamperProfile = true }));
        Assert.Contains(RuleIds.ProfileUntrustedSigner, await RulesFiredAsync(new SampleApp { ProfileFromUntrustedSigner = true }));
        Assert.Contains(RuleIds.ProfileExpired, await RulesFiredAsync(new SampleApp { ProfileCreated = DateTimeOffset.UtcNow.AddYears(-2) }));
        Assert.Contains(RuleIds.ProfileDebuggable, await RulesFiredAsync(new SampleApp { GetTaskAllow = true }));
    }

    [Fact]
    public async Task App_hardening_rules_fire_on_their_defects()
    {
        var fired = await RulesFiredAsync(new SampleApp { AllowsArbitraryLoads = true, Pie = false, StackCanary = false });

        Assert.Contains(RuleIds.AtsArbitraryLoads, fired);
        Assert.Contains(RuleIds.BinaryNotPie, fired);
        Assert.Contains(RuleIds.BinaryNoStackCanary, fired);
    }

    [Fact]
    public async Task A_build_without_a_profile_is_judged_without_profile_rules()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp { IncludeProfile = false }));

        Assert.Null(report.Profile);
        Assert.Equal("None", report.Distribution);
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("PROFILE-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stage_over_its_budget_yields_scan_stage_limit_and_a_report()
    {
        var report = await ScanAsync(SamplePackages.Build(new SampleApp()), stageTimeout: TimeSpan.FromTicks(1));

        Assert.Contains(report.Findings, f => f.RuleId == RuleIds.ScanStageLimit);
        Assert.Contains(report.Timeline, s => s.Outcome == "over budget");
    }
}
