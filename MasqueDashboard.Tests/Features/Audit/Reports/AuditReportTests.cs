using System.Net;
using System.Text;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Reports;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Features.Audit.Exports;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Audit.Reports;

public sealed class AuditReportTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    private IAuditLog Audit => app.App.GetRequiredService<IAuditLog>();

    private async Task<AuditReport> RunAsync(AuditReportKind kind, DateTime? from = null, DateTime? to = null)
    {
        var by = await app.ForAsync(await app.CreateUserAsync($"auditor-{Guid.NewGuid():N}@reports.test", Roles.Auditor));
        return await app.WithScopeAsync(s => s.GetRequiredService<AuditReportService>().RunAsync(by, kind, from, to));
    }

    [Fact]
    public async Task Separation_of_duties_names_uploader_approver_and_publisher_of_each_published_app()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            var submission = new Submission
            {
                Id = Guid.NewGuid(), UploaderId = "u1", UploaderEmail = "dev@corp.test", UploadedAtUtc = now.AddDays(-2), FileName = "bank.ipa",
                PackageSha256 = new string('a', 64), ReviewerEmail = "reviewer@corp.test", ReviewedAtUtc = now.AddDays(-1),
                ReviewJustification = "Signed by our team, no findings", OverrideReason = "=HYPERLINK(\"x\")", PublisherEmail = "admin@corp.test", PublishedAtUtc = now,
            };
            db.Submissions.Add(submission);
            db.CatalogApps.Add(new CatalogApp
            {
                Id = Guid.NewGuid(), BundleId = "com.corp.bank", Name = "Bank", TeamId = "ABCDE12345", Status = CatalogAppStatus.Published,
                CurrentSubmissionId = submission.Id, CurrentVersion = "2.1", ApprovedByEmail = "reviewer@corp.test", PublishedByEmail = "admin@corp.test",
                PublishedAtUtc = now, ApprovedWithOverride = true,
            });
            return await db.SaveChangesAsync();
        });

        var report = await RunAsync(AuditReportKind.SeparationOfDuties);

        var row = Assert.Single(report.Rows);
        string?[] expected = ["com.corp.bank", "Bank", "2.1", "Published", "dev@corp.test", null, "reviewer@corp.test", null, "Signed by our team, no findings", "yes", "=HYPERLINK(\"x\")", "admin@corp.test", null, "yes"];
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is not null)
            {
                Assert.Equal(expected[i], row[i]);
            }
        }

        using var csv = new MemoryStream();
        await AuditReportService.WriteCsvAsync(report, csv);
        var cells = AuditExportTests.ParseCsv(Encoding.UTF8.GetString(csv.ToArray()));
        Assert.Equal("'=HYPERLINK(\"x\")", cells[1][10]);
    }

    [Fact]
    public async Task Device_actions_hold_quarantines_releases_wipes_and_network_blocks_of_the_period_only()
    {
        var device = new AuditActor("admin@corp.test", null, null);
        await Audit.RecordAsync(device, FleetActions.Quarantined, "device:1");
        await Audit.RecordAsync(device, FleetActions.CommandQueued, "device:1", new { command = 1, type = "FullWipe" });
        await Audit.RecordAsync(device, FleetActions.CommandQueued, "device:2", new { command = 2, type = "RemoveApp" });
        await Audit.RecordAsync(device, FleetActions.CommandQueued, "device:3", new { command = 3, type = "BlockNetwork" });
        await Audit.RecordAsync(device, FleetActions.WipeRequested, "device:1");
        await Audit.RecordAsync(device, FleetActions.WipeDenied, "device:1");
        await Audit.RecordAsync(device, FleetActions.Released, "device:1");
        await Audit.RecordAsync(device, FleetActions.PolicyUpdated, "policy");

        var now = app.Time.GetUtcNow().UtcDateTime;
        var inPeriod = await RunAsync(AuditReportKind.DeviceActions, now.AddHours(-1), now.AddHours(1));
        var before = await RunAsync(AuditReportKind.DeviceActions, now.AddDays(-2), now.AddDays(-1));

        Assert.Equal([FleetActions.Quarantined, FleetActions.CommandQueued, FleetActions.CommandQueued, FleetActions.WipeRequested, FleetActions.WipeDenied, FleetActions.Released],
            inPeriod.Rows.Select(r => r[3]).ToList());
        Assert.Equal(["device:1", "device:3"], inPeriod.Rows.Where(r => r[3] == FleetActions.CommandQueued).Select(r => r[4]).ToList());
        Assert.Empty(before.Rows);
    }

    [Fact]
    public async Task Privileged_sign_ins_are_those_of_administrators_and_reviewers()
    {
        var admin = await app.CreateUserAsync("admin@corp.test", Roles.EmmAdmin);
        var reviewer = await app.CreateUserAsync("reviewer@corp.test", Roles.SecurityReviewer);
        var developer = await app.CreateUserAsync("dev@corp.test", Roles.Developer);
        await Audit.RecordAsync(new AuditActor("admin@corp.test", admin, "10.0.0.1"), AuditActions.LoginSucceeded, null);
        await Audit.RecordAsync(new AuditActor("dev@corp.test", developer, "10.0.0.2"), AuditActions.LoginSucceeded, null);
        await Audit.RecordAsync(new AuditActor("reviewer@corp.test", reviewer, "10.0.0.3"), AuditActions.LoginFailed, null);
        await Audit.RecordAsync(new AuditActor("reviewer@corp.test", reviewer, "10.0.0.3"), AuditActions.LoginSucceeded, null);

        var report = await RunAsync(AuditReportKind.PrivilegedSignIns);

        Assert.Equal(["admin@corp.test", "reviewer@corp.test"], report.Rows.Select(r => r[2]).ToList());
        Assert.Equal([Roles.EmmAdmin, Roles.SecurityReviewer], report.Rows.Select(r => r[3]).ToList());
        Assert.Equal(["10.0.0.1", "10.0.0.3"], report.Rows.Select(r => r[5]).ToList());
    }

    [Theory]
    [InlineData(Roles.Auditor, HttpStatusCode.OK)]
    [InlineData(Roles.EmmAdmin, HttpStatusCode.OK)]
    [InlineData(Roles.Developer, HttpStatusCode.Forbidden)]
    [InlineData(Roles.SecurityReviewer, HttpStatusCode.Forbidden)]
    public async Task The_csv_download_answers_by_capability(string role, HttpStatusCode expected)
    {
        var email = $"{role}-{Guid.NewGuid():N}@reports.test";
        await app.CreateUserAsync(email, role);
        using var client = await app.SignInAsync(email);

        var response = await client.GetAsync(AuditReportDownloads.Url(AuditReportKind.PrivilegedSignIns, null, null));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.StartsWith("sequence,occurredAtUtc,actor,roles", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            var recorded = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AuditEvents, e => e.Action == AuditActions.ReportExported));
            Assert.Equal(email, recorded.Actor);
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            Assert.Contains(sha256, recorded.Details, StringComparison.Ordinal);

            // The manifest beside the file proves it: the same hash and rows, the report, the chain head before the export.
            var id = Assert.Single(response.Headers.GetValues(MasqueDashboard.Features.Audit.Exports.AuditExportsApi.ExportIdHeader));
            Assert.Equal(sha256, Assert.Single(response.Headers.GetValues(MasqueDashboard.Features.Audit.Exports.AuditExportsApi.Sha256Header)));
            using var manifest = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"/audit/exports/{id}/manifest.json"));
            Assert.Equal(sha256, manifest.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(nameof(AuditReportKind.PrivilegedSignIns), manifest.RootElement.GetProperty("report").GetString());
            Assert.Equal(bytes.Length, manifest.RootElement.GetProperty("bytes").GetInt64());
            Assert.Equal(Encoding.UTF8.GetString(bytes).TrimEnd().Split('\n').Length - 1, manifest.RootElement.GetProperty("rowCount").GetInt64());
            Assert.True(manifest.RootElement.GetProperty("chainHead").GetProperty("sequence").GetInt64() < recorded.Sequence);
        }
    }
}
