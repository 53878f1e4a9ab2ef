using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Apps.Reports;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using UglyToad.PdfPig;

namespace MasqueDashboard.Tests.Features.Apps;

public sealed class ReportExportTests
{
    internal static SubmissionDetail Detail(params Finding[] findings)
    {
        var report = new ScanReport
        {
            PackageSha256 = new string('a', 64),
            PackageSize = 1234,
            ScannedAt = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero),
            Verdict = RiskScore.VerdictOf(findings),
            RiskScore = RiskScore.Compute(findings),
            Findings = findings,
            TeamId = "ABCDE12345",
            Distribution = "Enterprise",
            SignerCertificates = [new CertificateSummary(new string('1', 40), new string('2', 64), "CN=iPhone Distribution: Bank (ABCDE12345)", new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), "Code signature")],
        };
        return new SubmissionDetail(
            new SubmissionRow(Guid.NewGuid(), "Bank.ipa", "Bank", "com.example.bank", "1.0", "dev@example.org", DateTime.UtcNow, SubmissionStatus.Scanned, report.Verdict, report.RiskScore, 1234),
            report.PackageSha256, null, null, 1, DateTime.UtcNow, report, false, []);
    }

    [Fact]
    public void Sarif_is_version_2_1_0_with_every_known_rule_and_one_result_per_finding()
    {
        var detail = Detail(
            RuleDefinitions.MasqueBundleHijack.Finding("CFBundleIdentifier = com.example.bank …", "Payload/Bank.app/Info.plist"),
            RuleDefinitions.BinaryNotPie.Finding("no MH_PIE"),
            new Finding("MOBSF-CODE", Severity.Medium, "Weak hash", "MD5 used", "See MobSF") { Source = "MobSF" });
        using var buffer = new MemoryStream();

        SarifReport.Write(buffer, detail);

        using var sarif = JsonDocument.Parse(buffer.ToArray());
        var run = sarif.RootElement.GetProperty("runs")[0];
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.All(RuleDefinitions.All, r => Assert.Contains(r.Id, rules));
        Assert.Contains("MOBSF-CODE", rules);
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        var hijack = results.Single(r => r.GetProperty("ruleId").GetString() == RuleIds.MasqueBundleHijack);
        Assert.Equal("error", hijack.GetProperty("level").GetString());
        Assert.Equal(rules.IndexOf(RuleIds.MasqueBundleHijack), hijack.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("Bank.ipa/Payload/Bank.app/Info.plist",
            hijack.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("note", results.Single(r => r.GetProperty("ruleId").GetString() == RuleIds.BinaryNotPie).GetProperty("level").GetString());
    }

    [Fact]
    public void Sarif_of_a_clean_report_has_rules_and_no_results()
    {
        using var buffer = new MemoryStream();

        SarifReport.Write(buffer, Detail());

        using var sarif = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(0, sarif.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void The_pdf_report_carries_the_verdict_findings_and_certificates()
    {
        var detail = Detail(
            RuleDefinitions.MasqueBundleHijack.Finding("CFBundleIdentifier = com.example.bank is the catalog app 'Bank' of team ZZZZZ11111; this package is signed by team ABCDE12345."),
            RuleDefinitions.ProfileExpired.Finding("ExpirationDate = 2015-01-01T00:00:00Z — détecté ✓"));

        var bytes = PdfReport.Create(detail);

        using var pdf = PdfDocument.Open(bytes);
        var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
        Assert.Contains("Malicious", text, StringComparison.Ordinal);
        Assert.Contains(RuleIds.MasqueBundleHijack, text, StringComparison.Ordinal);
        Assert.Contains(RuleIds.ProfileExpired, text, StringComparison.Ordinal);
        Assert.Contains("ABCDE12345", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_report_flows_onto_more_pages()
    {
        var findings = Enumerable.Range(0, 120).Select(i => RuleDefinitions.AtsArbitraryLoads.Finding($"finding {i} " + new string('x', 150))).ToArray();

        using var pdf = PdfDocument.Open(PdfReport.Create(Detail(findings)));

        Assert.True(pdf.NumberOfPages > 1);
    }

    [Theory]
    [InlineData(Severity.Critical, Verdict.Malicious)]
    [InlineData(Severity.High, Verdict.Suspicious)]
    [InlineData(Severity.Medium, Verdict.Clean)]
    [InlineData(Severity.Low, Verdict.Clean)]
    public void The_verdict_follows_the_worst_severity(Severity severity, Verdict expected)
    {
        Assert.Equal(expected, RiskScore.VerdictOf([new Finding("X", severity, "t", "e", "r")]));
    }

    [Fact]
    public void Risk_adds_severity_weights_and_caps_at_100_and_invalid_wins()
    {
        Assert.Equal(0, RiskScore.Compute([]));
        Assert.Equal(38, RiskScore.Compute([RuleDefinitions.CodesignMissing.Finding("e"), RuleDefinitions.ProfileExpired.Finding("e"), RuleDefinitions.BinaryNotPie.Finding("e")]));
        Assert.Equal(100, RiskScore.Compute([RuleDefinitions.PackageUnsafe.Finding("e"), RuleDefinitions.KnownMalwareHash.Finding("e")]));
        Assert.Equal(Verdict.Invalid, RiskScore.VerdictOf([RuleDefinitions.PackageInvalid.Finding("e"), RuleDefinitions.PackageUnsafe.Finding("e")]));
    }
}
