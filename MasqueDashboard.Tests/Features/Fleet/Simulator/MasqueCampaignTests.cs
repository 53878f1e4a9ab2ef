using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

/// <summary>The simulator in-process, against the real contract, compliance engine and database.</summary>
public sealed class MasqueCampaignTests : IClassFixture<SimulatorAppFactory>
{
    private const string Bank = "com.example.bank";
    private readonly SimulatorAppFactory app;

    public MasqueCampaignTests(SimulatorAppFactory app) => this.app = app;

    [Fact]
    public async Task A_round_of_check_ins_enrols_and_stores_every_simulated_device()
    {
        var round = await app.Simulator.CheckInAllAsync();

        var views = app.Simulator.Devices;
        Assert.Equal(SimulatorAppFactory.DeviceCount, round.Devices);
        Assert.Equal(SimulatorAppFactory.DeviceCount, round.Succeeded);
        Assert.Equal(SimulatorAppFactory.DeviceCount, views.Count);
        var udids = views.Select(v => v.Udid).ToList();
        var stored = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => udids.Contains(d.Udid)).ToListAsync());
        Assert.Equal(SimulatorAppFactory.DeviceCount, stored.Count);
        foreach (var view in views)
        {
            var device = Assert.Single(stored, d => d.Udid == view.Udid);
            Assert.Equal(view.DeviceId, device.Id);
            Assert.Equal((view.Model, view.Owner, view.OsVersion, view.Supervised), (device.Model, device.Owner, device.OsVersion, device.Supervised));
            Assert.NotNull(device.LastCheckInAtUtc);
            Assert.Equal(view.LastSequence, device.LastSequence);
            Assert.Equal(view.Apps.Count, device.AppCount);
            Assert.Equal(device.Compliance, view.Compliance);
        }

        var status = app.Simulator.Status;
        Assert.Equal(SimulatorState.Running, status.State);
        Assert.Equal("In-process", status.Mode);
        Assert.Equal(SimulatorAppFactory.DeviceCount, status.Enrolled);
        Assert.True(status.CheckInsSent >= SimulatorAppFactory.DeviceCount);
    }

    [Fact]
    public async Task A_masque_campaign_quarantines_its_devices_until_they_have_removed_the_impostor()
    {
        await app.SeedDemoCatalogAsync();
        await app.Simulator.CheckInAllAsync(); // MDM pushes the newly published catalog apps
        Assert.All(app.Simulator.Devices, d => Assert.Contains(d.Apps, a => a.BundleId == Bank && a.TeamId == DemoSeeder.CatalogTeamId && a.Managed));
        var before = app.Simulator.Devices.ToDictionary(d => d.DeviceId!.Value, d => d.Compliance);

        var result = await app.Simulator.TriggerAsync(Scenario.MasqueCampaign, SimulatorAppFactory.DeviceCount);

        Assert.Equal(SimulatorAppFactory.DeviceCount, result.DeviceIds.Count);
        Assert.Equal(SimulatorAppFactory.DeviceCount, result.Quarantined);
        Assert.Contains(ViolationIds.MasqueBundleHijack, result.RuleIds);
        Assert.Contains(ViolationIds.SignerUntrustedEnterprise, result.RuleIds);
        var ids = result.DeviceIds.ToList();
        var hit = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync());
        Assert.All(hit, d => Assert.Equal(ComplianceState.Quarantined, d.Compliance));
        var violations = await app.WithDbAsync(db => db.DeviceViolations.AsNoTracking().Where(v => ids.Contains(v.DeviceId)).ToListAsync());
        var commands = await app.WithDbAsync(db => db.DeviceCommands.AsNoTracking().Where(c => ids.Contains(c.DeviceId)).ToListAsync());
        // MDM-only devices report no signer: the impostor is still found, as not the catalog's build.
        var mdmOnly = app.Simulator.Devices.Where(d => d.MdmOnly && ids.Contains(d.DeviceId!.Value)).Select(d => d.DeviceId!.Value).ToHashSet();
        Assert.NotEmpty(mdmOnly);
        Assert.Contains(ViolationIds.AppNotFromCatalog, result.RuleIds);
        var attackerProfile = SimulatedProfile.InHouse("iOS In-House Distribution", Scenarios.AttackerTeamId, app.Time.GetUtcNow().UtcDateTime).Uuid;
        foreach (var id in ids)
        {
            Assert.Contains(violations, v => v.DeviceId == id && v.RuleId == (mdmOnly.Contains(id) ? ViolationIds.AppNotFromCatalog : ViolationIds.MasqueBundleHijack) && v.Subject == Bank);
            // The impostor is not managed: iOS would refuse RemoveApp, so its provisioning profile goes instead.
            Assert.DoesNotContain(commands, c => c.DeviceId == id && c.Type == CommandType.RemoveApp);
            var removal = Assert.Single(commands, c => c.DeviceId == id && c.Type == CommandType.RemoveProfile);
            Assert.Equal(attackerProfile, ComplianceEngine.PayloadSubject(removal));
            Assert.Equal(CommandStatus.Sent, removal.Status);
            Assert.Equal(CommandStatus.Sent, Assert.Single(commands, c => c.DeviceId == id && c.Type == CommandType.BlockNetwork).Status);
        }

        // The devices ran the commands they were sent: the impostor is gone, the answers wait for the next check-in.
        Assert.All(app.Simulator.Devices.Where(d => ids.Contains(d.DeviceId!.Value)), d =>
        {
            Assert.DoesNotContain(d.Apps, a => a.TeamId == Scenarios.AttackerTeamId);
            Assert.Equal(NetworkState.Blocked, d.Network);
            Assert.NotEmpty(d.PendingCommandIds);
        });

        await app.Simulator.CheckInAllAsync();

        var released = before.Where(b => b.Value == ComplianceState.Compliant).Select(b => b.Key).ToList();
        Assert.NotEmpty(released); // the seed's fleet has clean devices: the release below is exercised
        violations = await app.WithDbAsync(db => db.DeviceViolations.AsNoTracking().Where(v => ids.Contains(v.DeviceId)).ToListAsync());
        commands = await app.WithDbAsync(db => db.DeviceCommands.AsNoTracking().Where(c => ids.Contains(c.DeviceId)).ToListAsync());
        Assert.DoesNotContain(violations, v => PolicyIds.RulesOf(PolicyIds.NoMasqueApps).Contains(v.RuleId));
        Assert.All(commands.Where(c => c.Type is CommandType.RemoveProfile or CommandType.BlockNetwork), c => Assert.Equal(CommandStatus.Acknowledged, c.Status));
        var devices = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => released.Contains(d.Id)).ToListAsync());
        Assert.All(devices, d => Assert.Equal(ComplianceState.Compliant, d.Compliance));
        Assert.All(released, id => Assert.Equal(CommandStatus.Sent, Assert.Single(commands, c => c.DeviceId == id && c.Type == CommandType.UnblockNetwork).Status));

        await app.Simulator.CheckInAllAsync();

        devices = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => released.Contains(d.Id)).ToListAsync());
        Assert.All(devices, d => Assert.Equal((ComplianceState.Compliant, NetworkState.Allowed), (d.Compliance, d.Network)));
        Assert.All(await app.WithDbAsync(db => db.DeviceCommands.AsNoTracking().Where(c => released.Contains(c.DeviceId) && c.Type == CommandType.UnblockNetwork).ToListAsync()),
            c => Assert.Equal(CommandStatus.Acknowledged, c.Status));
        Assert.All(app.Simulator.Devices.Where(d => released.Contains(d.DeviceId!.Value)), d => Assert.Equal(NetworkState.Allowed, d.Network));
    }
}
