using System.Net;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Demo;

public sealed class DemoCatalogTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public DemoCatalogTests(MasqueAppFactory app) => this.app = app;

    private Task SeedAsync() => app.WithScopeAsync(async s =>
    {
        await s.GetRequiredService<DemoSeeder>().SeedCatalogAsync();
        return true;
    });

    [Fact]
    public async Task The_demo_catalog_is_published_once_with_its_trusted_team_however_often_it_is_seeded()
    {
        await SeedAsync();
        await SeedAsync();

        var snapshot = await app.App.GetRequiredService<ICatalogView>().GetSnapshotAsync();
        Assert.Contains(DemoSeeder.CatalogTeamId, snapshot.TrustedTeamIds);
        var bank = Assert.Single(snapshot.PublishedApps, a => a.BundleId == "com.example.bank");
        Assert.Equal((DemoSeeder.CatalogTeamId, "Example Bank"), (bank.TeamId, bank.Name));
        Assert.Equal(["examplebank"], bank.UrlSchemes);
        var bundleIds = DemoSeeder.CatalogApps.Select(a => a.BundleId).ToList();
        Assert.Equal(bundleIds.Count, await app.WithDbAsync(db => db.CatalogApps.CountAsync(a => bundleIds.Contains(a.BundleId) && a.Status == CatalogAppStatus.Published)));
        Assert.Equal(bundleIds.Count, await app.WithDbAsync(db => db.Submissions.CountAsync(s => s.UploaderId == Submission.DemoUploaderId && s.Status == SubmissionStatus.Published)));
        Assert.Equal(1, await app.WithDbAsync(db => db.TrustedSigners.CountAsync(t => t.TeamId == DemoSeeder.CatalogTeamId)));
    }

    [Fact]
    public async Task A_demo_submission_has_a_report_page_and_cannot_be_rescanned()
    {
        await SeedAsync();
        var id = await app.WithDbAsync(db => db.CatalogApps.Where(a => a.BundleId == "com.example.bank").Select(a => a.CurrentSubmissionId).SingleAsync());
        var adminId = await app.CreateUserAsync("admin@demo-catalog.test", Roles.EmmAdmin);
        using var client = await app.SignInAsync("admin@demo-catalog.test");

        var response = await client.GetAsync($"apps/submissions/{id}");
        var html = await response.Content.ReadAsStringAsync();
        var pdf = await client.GetAsync($"apps/submissions/{id}/report.pdf");
        var refusal = await Assert.ThrowsAsync<DomainException>(async () =>
        {
            var admin = await app.ForAsync(adminId);
            await app.WithScopeAsync(async s =>
            {
                await s.GetRequiredService<SubmissionService>().RescanAsync(admin, id, null);
                return true;
            });
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Demo data", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"rescan\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal(RefusalKind.Conflict, refusal.Kind);
    }
}
