using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Fleet;

/// <summary>Bounded history (issue 8): check-ins past retention are pruned; devices' latest state and commands are kept.</summary>
public sealed class FleetRetentionTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet().With("Fleet:Retention:CheckIns", "1.00:00:00");

    public void Dispose() => app.Dispose();

    private static object Impostor => FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);

    [Fact]
    public async Task Check_ins_older_than_the_retention_are_pruned_and_the_latest_state_and_commands_stay()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var quiet = await ContractDevice.EnrollAsync(app);
        var busy = await ContractDevice.EnrollAsync(app);
        await quiet.CheckInAsync([Impostor]); // quarantined: commands queued, then the device goes silent
        for (var i = 0; i < 6; i++)
        {
            await busy.CheckInAsync(FleetTestData.CleanApps);
            app.Time.Advance(TimeSpan.FromHours(6));
        }

        // Now 36 h after the first check-ins: those older than 24 h go, the last day's stay.
        var before = await app.WithDbAsync(db => db.DeviceCheckIns.CountAsync());
        var commands = await app.WithDbAsync(db => db.DeviceCommands.CountAsync());
        var pruned = await app.App.GetRequiredService<FleetRetention>().PruneAsync();

        Assert.Equal(7, before);
        Assert.Equal(3, pruned); // quiet's one check-in and busy's first two (36 h and 30 h old); 24 h old is not older than a day
        var cutoff = app.Time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(1);
        Assert.All(await app.WithDbAsync(db => db.DeviceCheckIns.ToListAsync()), c => Assert.True(c.AtUtc >= cutoff));
        Assert.Equal(commands, await app.WithDbAsync(db => db.DeviceCommands.CountAsync()));

        // The silent device still shows what it was last: its state lives on its own row.
        var device = await app.WithDbAsync(db => db.Devices.SingleAsync(d => d.Id == quiet.DeviceId));
        Assert.Equal(ComplianceState.Quarantined, device.Compliance);
        Assert.NotNull(device.LastCheckInAtUtc);
        Assert.Equal(1, device.LastSequence);
        Assert.True(await app.WithDbAsync(db => db.DeviceApps.AnyAsync(a => a.DeviceId == quiet.DeviceId)));

        Assert.Equal(0, await app.App.GetRequiredService<FleetRetention>().PruneAsync());
    }

    [Fact]
    public void A_retention_shorter_than_an_hour_is_refused_at_start()
    {
        using var bad = new MasqueAppFactory().With("Fleet:Retention:CheckIns", "00:10:00");
        var error = Assert.ThrowsAny<Exception>(() => bad.App.GetRequiredService<FleetRetention>());
        Assert.Contains("Fleet:Retention:CheckIns", error.ToString(), StringComparison.Ordinal);
    }
}
