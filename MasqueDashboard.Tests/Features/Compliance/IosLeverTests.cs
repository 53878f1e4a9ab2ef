using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>PRODUCT.md §7, actions iOS really allows: MDM removes managed apps only; an unmanaged impostor goes with its profile.</summary>
public sealed class IosLeverTests : IDisposable
{
    private const string EvilProfile = "0E7E7E7E-0000-4000-8000-00000000E710";
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet();

    public void Dispose() => app.Dispose();

    private static object Impostor(bool? managed, string? profileUuid = EvilProfile) =>
        FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner, version: "1.0.99", managed: managed, profileUuid: profileUuid);

    private async Task<ClaimsPrincipal> AdminAsync() =>
        await app.ForAsync(await app.CreateUserAsync($"admin-{Guid.NewGuid():N}@fleet.test", Roles.EmmAdmin));

    private Task<List<DeviceCommand>> CommandsAsync(long deviceId) =>
        app.WithDbAsync(db => db.DeviceCommands.Where(c => c.DeviceId == deviceId).OrderBy(c => c.Number).ToListAsync());

    [Fact]
    public async Task A_masqued_unmanaged_app_is_neutralised_through_its_profile()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);

        var hit = await device.CheckInAsync([Impostor(managed: false)], profiles: [FleetTestData.Profile(EvilProfile, FleetTestData.EvilTeam)]);

        Assert.Equal("Quarantined", hit.Compliance);
        Assert.DoesNotContain(hit.Commands, c => c.Type == "RemoveApp");
        var removal = Assert.Single(hit.Commands, c => c.Type == "RemoveProfile"); // the app's profile and the untrusted profile are one
        Assert.Equal(EvilProfile, removal.Payload.GetProperty("uuid").GetString());
        Assert.Contains(hit.Commands, c => c.Type == "BlockNetwork");

        // Without its profile the app no longer launches; the device reports neither: quarantine lifts.
        var after = await device.CheckInAsync(FleetTestData.CleanApps, results: hit.Commands.Select(c => ContractDevice.Ack(c.Id)).ToArray());
        Assert.Equal("Compliant", after.Compliance);
        Assert.Contains(after.Commands, c => c.Type == "UnblockNetwork");
    }

    [Fact]
    public async Task A_masqued_managed_app_is_removed_with_RemoveApp()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);

        var hit = await device.CheckInAsync([Impostor(managed: true)]);

        var removal = Assert.Single(hit.Commands, c => c.Type == "RemoveApp");
        Assert.Equal("com.example.bank", removal.Payload.GetProperty("bundleId").GetString());
        Assert.DoesNotContain(hit.Commands, c => c.Type == "RemoveProfile");
    }

    [Fact]
    public async Task An_unmanaged_app_that_names_no_profile_loses_the_untrusted_profiles_its_device_reports()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);

        // What MDM alone reports: no team for the app, no team for the profile.
        var mdmOnly = FleetTestData.App("com.example.bank", null, "Enterprise", version: "1.0.99", managed: false);
        var hit = await device.CheckInAsync([mdmOnly], profiles: [FleetTestData.Profile("MYSTERY-PROFILE-1", null)]);

        Assert.Contains(ViolationIds.AppNotFromCatalog, hit.Violations);
        Assert.Contains(ViolationIds.UntrustedProvisioningProfile, hit.Violations);
        Assert.Equal("MYSTERY-PROFILE-1", Assert.Single(hit.Commands, c => c.Type == "RemoveProfile").Payload.GetProperty("uuid").GetString());
        Assert.DoesNotContain(hit.Commands, c => c.Type == "RemoveApp");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a build scanned before the profile had its own column: read from its report
    public async Task A_profile_of_unknown_team_that_a_published_build_embeds_is_trusted(bool onlyInReport)
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        const string CatalogProfile = "CA7A1060-0000-4000-8000-00000000BA4C";
        await app.WithDbAsync(async db =>
        {
            var catalogApp = await db.CatalogApps.SingleAsync();
            db.Submissions.Add(new Submission
            {
                Id = catalogApp.CurrentSubmissionId, UploaderId = "dev", UploaderEmail = "dev@test", FileName = "bank.ipa", PackageSha256 = new string('b', 64),
                Status = SubmissionStatus.Published, BundleId = "com.example.bank", Version = "1.0", TeamId = FleetTestData.CorpTeam, Distribution = "Enterprise",
                ProfileUuid = onlyInReport ? null : CatalogProfile, ReportJson = onlyInReport ? $"{{\"verdict\":\"Clean\",\"profile\":{{\"name\":\"Bank\",\"uuid\":\"{CatalogProfile}\"}}}}" : null,
                UploadedAtUtc = app.Time.GetUtcNow().UtcDateTime, StatusChangedAtUtc = app.Time.GetUtcNow().UtcDateTime,
            });
            return await db.SaveChangesAsync();
        });
        app.App.GetRequiredService<FleetCache>().Invalidate();
        var device = await ContractDevice.EnrollAsync(app);

        var genuine = FleetTestData.App("com.example.bank", null, "Enterprise", managed: true, profileUuid: CatalogProfile);
        var clean = await device.CheckInAsync([genuine], profiles: [FleetTestData.Profile(CatalogProfile, null, "Example Bank In-House")]);
        Assert.Equal("Compliant", clean.Compliance);

        var other = await device.CheckInAsync([genuine], profiles: [FleetTestData.Profile(CatalogProfile, null), FleetTestData.Profile("SOMEONE-ELSES", null)]);
        Assert.Equal([ViolationIds.UntrustedProvisioningProfile], other.Violations);
    }

    [Fact]
    public async Task No_RemoveApp_is_ever_sent_for_an_app_the_device_reported_unmanaged()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        // Signed by the corporate certificate (about to be revoked), installed by the user: not managed.
        var sideloaded = FleetTestData.App("com.example.bank", FleetTestData.CorpTeam, "Enterprise", FleetTestData.CorpSigner, managed: false, profileUuid: "CORP-PROFILE-OLD");
        await device.CheckInAsync([sideloaded], profiles: [FleetTestData.Profile("CORP-PROFILE-OLD", FleetTestData.CorpTeam)]);
        var admin = await AdminAsync();

        // A revocation, the ladder a day later, and a person's attempt: none sends RemoveApp.
        await app.WithScopeAsync(sp => sp.GetRequiredService<SignerService>().RevokeAsync(admin, FleetTestData.CorpSigner, "Key leaked", "127.0.0.1"));
        var revoked = await device.CheckInAsync([sideloaded], profiles: [FleetTestData.Profile("CORP-PROFILE-OLD", FleetTestData.CorpTeam)]);
        Assert.Contains(ViolationIds.SignerRevoked, revoked.Violations);
        Assert.Contains(await CommandsAsync(device.DeviceId), c => c.Type == CommandType.RemoveProfile && c.Payload.Contains("CORP-PROFILE-OLD", StringComparison.Ordinal));

        app.Time.Advance(TimeSpan.FromHours(25));
        await app.App.GetRequiredService<EscalationWorker>().SweepAsync();
        Assert.Contains(await CommandsAsync(device.DeviceId), c => c.Type == CommandType.SelectiveWipe);

        var refused = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(sp =>
            sp.GetRequiredService<FleetService>().QueueAsync(admin, [device.DeviceId], CommandType.RemoveApp, "Remove it by hand", "com.example.bank", null)));
        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.Contains("not managed", refused.Message, StringComparison.Ordinal);

        Assert.DoesNotContain(await CommandsAsync(device.DeviceId), c => c.Type == CommandType.RemoveApp);
    }
}
