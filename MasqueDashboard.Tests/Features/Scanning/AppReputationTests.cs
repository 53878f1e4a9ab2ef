using System.Net;
using System.Text;
using System.Text.Json;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Tests.Features.Scanning;

public sealed class AppReputationTests
{
    private static readonly ScanRequest Request = new("/nonexistent", new string('b', 64), 10, "a.ipa");

    private sealed class FakeService(string name, Func<ReputationResult> result) : IAppReputationService
    {
        public string Name => name;

        public Task<ReputationResult> AnalyseAsync(ScanRequest request, CancellationToken cancellationToken) => Task.FromResult(result());
    }

    private static ScanReport BaseReport(params Finding[] findings) => new()
    {
        PackageSha256 = Request.Sha256, PackageSize = 10, ScannedAt = DateTimeOffset.UnixEpoch,
        Verdict = RiskScore.VerdictOf(findings), RiskScore = RiskScore.Compute(findings), Findings = findings,
    };

    [Fact]
    public async Task External_findings_merge_with_their_source_and_move_the_verdict()
    {
        var builtIn = new FakeService(Finding.BuiltInSource, () => new ReputationResult(BaseReport(RuleDefinitions.BinaryNotPie.Finding("e")), [], []));
        var external = new FakeService("MobSF", () => new ReputationResult(null, [new Finding("MOBSF-X", Severity.High, "Insecure", "e", "r")], []));

        var report = await new AppReputation([builtIn, external], NullLogger<AppReputation>.Instance).ScanAsync(Request, default);

        Assert.Equal(Verdict.Suspicious, report.Verdict);
        Assert.Equal("MobSF", report.Findings.Single(f => f.RuleId == "MOBSF-X").Source);
        Assert.Equal(28, report.RiskScore);
    }

    [Fact]
    public async Task A_failing_external_service_leaves_the_built_in_report_with_a_note()
    {
        var builtIn = new FakeService(Finding.BuiltInSource, () => new ReputationResult(BaseReport(), [], []));
        var external = new FakeService("MobSF", () => throw new HttpRequestException("connection refused"));

        var report = await new AppReputation([builtIn, external], NullLogger<AppReputation>.Instance).ScanAsync(Request, default);

        Assert.Equal(Verdict.Clean, report.Verdict);
        Assert.Contains(report.Notes, n => n.Contains("MobSF did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_mobsf_client_uploads_scans_and_maps_appsec_findings()
    {
        var calls = new List<string>();
        var handler = new StubHandler(request =>
        {
            calls.Add($"{request.RequestUri!.AbsolutePath} {request.Headers.GetValues("Authorization").Single()}");
            return request.RequestUri.AbsolutePath switch
            {
                "/api/v1/upload" => """{"hash":"abc","scan_type":"ipa"}""",
                "/api/v1/scan" => "{}",
                _ => """{"appsec":{"high":[{"title":"Binary uses weak hash","description":"CC_MD5","section":"binary"}],"warning":[{"title":"ATS off","section":"ats"}],"secure":[{"title":"fine"}]}}""",
            };
        });
        var options = Options.Create(new ScannerOptions { External = { Url = "http://127.0.0.1:9/", ApiKey = "key-1", Name = "MobSF" } });
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        try
        {
            using var http = new HttpClient(handler);
            var result = await new MobSfReputationService(http, options).AnalyseAsync(Request with { PackagePath = path }, default);

            Assert.Equal(["/api/v1/upload key-1", "/api/v1/scan key-1", "/api/v1/report_json key-1"], calls);
            Assert.Equal([("MOBSF-BINARY", Severity.High), ("MOBSF-ATS", Severity.Medium)], result.Findings.Select(f => (f.RuleId, f.Severity)));
            Assert.All(result.Findings, f => Assert.Equal("MobSF", f.Source));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Answers in-process: no request leaves the test.</summary>
    private sealed class StubHandler(Func<HttpRequestMessage, string> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer(request), Encoding.UTF8, "application/json") });
    }
}
