using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Apps;

/// <summary>Upload → durable queue → background scan → stored report, through the running app.</summary>
public sealed class ScanWorkerTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().TrustingTestPki();

    public void Dispose() => app.Dispose();

    private async Task<SubmissionDetail> UploadAndWaitAsync(string userId, byte[] package)
    {
        var notifier = app.App.GetRequiredService<SubmissionNotifier>();
        var done = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        Guid? id = null;
        Task OnChanged(SubmissionChanged change)
        {
            if (change.Status is SubmissionStatus.Scanned or SubmissionStatus.Invalid or SubmissionStatus.Failed && (id is null || change.SubmissionId == id))
            {
                done.TrySetResult(change.SubmissionId);
            }

            return Task.CompletedTask;
        }

        notifier.Changed += OnChanged;
        try
        {
            var user = await app.ForAsync(userId);
            var uploaded = await app.WithScopeAsync(s => s.GetRequiredService<SubmissionService>().UploadAsync(user, "Bank.ipa", new MemoryStream(package), "127.0.0.1"));
            id = uploaded.Id;
            var finished = await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(uploaded.Id, finished);
            return await app.WithScopeAsync(s => s.GetRequiredService<SubmissionService>().GetAsync(user, uploaded.Id));
        }
        finally
        {
            notifier.Changed -= OnChanged;
        }
    }

    [Fact]
    public async Task An_uploaded_build_is_scanned_in_the_background_and_its_report_stored()
    {
        var dev = await app.CreateUserAsync("dev@worker.test", Roles.Developer);

        var detail = await UploadAndWaitAsync(dev, SamplePackages.Build(new SampleApp { AllowsArbitraryLoads = true }));

        Assert.Equal(SubmissionStatus.Scanned, detail.Summary.Status);
        Assert.Equal("com.example.bank", detail.Summary.BundleId);
        Assert.Equal("Bank", detail.Summary.AppName);
        Assert.NotNull(detail.Report);
        // The organisation trusts no team yet, so the enterprise build is flagged, with ATS.
        Assert.Contains(detail.Report.Findings, f => f.RuleId == RuleIds.SignerUntrustedEnterprise);
        Assert.Contains(detail.Report.Findings, f => f.RuleId == RuleIds.AtsArbitraryLoads);
        Assert.Equal(Verdict.Suspicious, detail.Summary.Verdict);
        var rows = await app.WithDbAsync(db => db.SubmissionFindings.Where(f => f.SubmissionId == detail.Summary.Id).Select(f => f.RuleId).ToListAsync());
        Assert.Equal(detail.Report.Findings.Select(f => f.RuleId).Order(), rows.Order());
        Assert.Equal(
            [SubmissionActions.Uploaded, SubmissionActions.Queued, SubmissionActions.ScanStarted, SubmissionActions.ScanCompleted],
            detail.Timeline.Select(t => t.Action));
    }

    [Fact]
    public async Task A_package_that_is_not_an_ipa_ends_invalid_with_the_reason()
    {
        var dev = await app.CreateUserAsync("dev@worker-invalid.test", Roles.Developer);

        var detail = await UploadAndWaitAsync(dev, "definitely not a zip"u8.ToArray());

        Assert.Equal(SubmissionStatus.Invalid, detail.Summary.Status);
        Assert.Equal(Verdict.Invalid, detail.Summary.Verdict);
        Assert.Contains("not a ZIP", detail.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Known_bad_hashes_added_by_an_admin_reach_the_next_scan()
    {
        var admin = await app.CreateUserAsync("admin@worker-hash.test", Roles.EmmAdmin);
        var dev = await app.CreateUserAsync("dev@worker-hash.test", Roles.Developer);
        var package = SamplePackages.Build(new SampleApp());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(package));
        await app.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<KnownMalwareHashService>().AddAsync(await app.ForAsync(admin), sha, "test write-up", null, null);
            return true;
        });

        var detail = await UploadAndWaitAsync(dev, package);

        Assert.Equal(Verdict.Malicious, detail.Summary.Verdict);
        Assert.Contains(detail.Report!.Findings, f => f.RuleId == RuleIds.KnownMalwareHash);
    }

    [Fact]
    public async Task The_json_report_export_carries_the_api_fields()
    {
        var dev = await app.CreateUserAsync("dev@worker-json.test", Roles.Developer);
        var detail = await UploadAndWaitAsync(dev, SamplePackages.Build(new SampleApp()));
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(dev));

        using var json = JsonDocument.Parse(await client.GetStringAsync($"api/v1/submissions/{detail.Summary.Id}"));
        var sarif = await client.GetAsync($"api/v1/submissions/{detail.Summary.Id}/report.sarif");

        Assert.Equal("Enterprise", json.RootElement.GetProperty("distribution").GetString());
        Assert.Equal(TestPki.TeamId, json.RootElement.GetProperty("teamId").GetString());
        Assert.NotEmpty(json.RootElement.GetProperty("signerCertificates").EnumerateArray());
        Assert.Equal("application/sarif+json", sarif.Content.Headers.ContentType?.MediaType);
    }
}
