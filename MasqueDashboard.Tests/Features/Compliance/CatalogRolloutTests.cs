using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>APP-NOT-FROM-CATALOG against the stored catalog: its history, the current version, and devices that report no signer.</summary>
public sealed class CatalogRolloutTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet();

    public void Dispose() => app.Dispose();

    private static object MdmOnly(string version) => FleetTestData.App("com.example.bank", null, "Enterprise", version: version, managed: true);

    [Fact]
    public async Task While_a_new_version_rolls_out_devices_on_any_published_version_stay_compliant_and_an_unpublished_one_is_found()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        // Version 2.0 is published over 1.0: the catalog's history holds both.
        await app.WithDbAsync(async db =>
        {
            var bank = await db.CatalogApps.SingleAsync();
            var now = app.Time.GetUtcNow().UtcDateTime;
            db.CatalogAppVersions.Add(new CatalogAppVersion { CatalogAppId = bank.Id, SubmissionId = bank.CurrentSubmissionId, Version = "1.0", TeamId = bank.TeamId, ApprovedByEmail = "r@test", PublishedByEmail = "p@test", PublishedAtUtc = now });
            bank.CurrentSubmissionId = Guid.NewGuid();
            bank.CurrentVersion = "2.0";
            db.CatalogAppVersions.Add(new CatalogAppVersion { CatalogAppId = bank.Id, SubmissionId = bank.CurrentSubmissionId, Version = "2.0", TeamId = bank.TeamId, ApprovedByEmail = "r@test", PublishedByEmail = "p@test", PublishedAtUtc = now });
            return await db.SaveChangesAsync();
        });
        app.App.GetRequiredService<FleetCache>().Invalidate();

        var old = await (await ContractDevice.EnrollAsync(app)).CheckInAsync([MdmOnly("1.0")]);
        var updated = await (await ContractDevice.EnrollAsync(app)).CheckInAsync([MdmOnly("2.0")]);
        var impostor = await (await ContractDevice.EnrollAsync(app)).CheckInAsync([MdmOnly("1.9")]);

        Assert.Equal(("Compliant", "Compliant"), (old.Compliance, updated.Compliance));
        Assert.Equal([ViolationIds.AppNotFromCatalog], impostor.Violations);
        Assert.Equal("Quarantined", impostor.Compliance);
        var detail = impostor.Body.GetProperty("violations")[0].GetProperty("detail").GetString();
        Assert.Contains("\"Example Bank\"", detail, StringComparison.Ordinal);
        Assert.Contains("version 1.9 was never published", detail, StringComparison.Ordinal);
    }
}
