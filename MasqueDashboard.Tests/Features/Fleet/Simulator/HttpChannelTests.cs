using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

/// <summary>The simulator as a client of another instance: the device contract over HTTP (the in-memory test server, nothing bound).</summary>
public sealed class HttpChannelTests : IClassFixture<SimulatorAppFactory>
{
    private readonly SimulatorAppFactory app;

    public HttpChannelTests(SimulatorAppFactory app) => this.app = app;

    [Fact]
    public async Task A_simulator_over_http_enrols_and_checks_in_its_own_fleet_with_the_contracts_bodies()
    {
        using var client = app.CreateClient();
        var options = Options.Create(new FleetOptions { EnrollmentSecret = SimulatorAppFactory.Secret, Simulator = { Enabled = true, DeviceCount = 3, Seed = 99 } });
        using var remote = ActivatorUtilities.CreateInstance<FleetSimulator>(app.App, new HttpDeviceChannel(client), options);

        var round = await remote.CheckInAllAsync();

        Assert.Equal((3, 3, 0), (round.Devices, round.Succeeded, round.Failed));
        Assert.Equal("HTTP", remote.Status.Mode);
        Assert.Equal(client.BaseAddress, remote.Status.Target);
        var views = remote.Devices;
        var udids = views.Select(v => v.Udid).ToList();
        Assert.Empty(udids.Intersect(app.Simulator.Devices.Select(d => d.Udid)));
        var stored = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => udids.Contains(d.Udid)).ToListAsync());
        Assert.Equal(3, stored.Count);
        Assert.All(views, v =>
        {
            var device = Assert.Single(stored, d => d.Udid == v.Udid);
            Assert.Equal(v.Apps.Count, device.AppCount);
            Assert.Equal(v.LastSequence, device.LastSequence);
            Assert.Equal(device.Compliance, v.Compliance);
        });
    }

    [Fact]
    public async Task A_wrong_enrolment_secret_and_an_unknown_token_are_told_apart()
    {
        using var client = app.CreateClient();
        var channel = new HttpDeviceChannel(client);
        var device = FleetGenerator.Device(98, 0, []);

        var refused = await Assert.ThrowsAsync<DeviceChannelException>(() => channel.EnrollAsync("not-the-secret", device.EnrollRequest()));
        var unknown = await Assert.ThrowsAsync<DeviceChannelException>(() => channel.CheckInAsync("mdd_unknown", device.NextCheckIn(1)));

        Assert.Equal(DeviceChannelFailure.Refused, refused.Failure);
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        Assert.Equal(DeviceChannelFailure.Unauthorized, unknown.Failure);
    }

    [Fact]
    public async Task A_restarted_simulator_re_enrols_the_same_udids_and_the_old_tokens_stop_working()
    {
        var options = Options.Create(new FleetOptions { EnrollmentSecret = SimulatorAppFactory.Secret, Simulator = { Enabled = true, DeviceCount = 2, Seed = 4242 } });
        using var client = app.CreateClient();
        var channel = new HttpDeviceChannel(client);
        using (var first = ActivatorUtilities.CreateInstance<FleetSimulator>(app.App, channel, options))
        {
            await first.CheckInAllAsync();
        }

        var device = FleetGenerator.Device(4242, 0, []);
        var stale = await channel.EnrollAsync(SimulatorAppFactory.Secret, device.EnrollRequest());
        using var second = ActivatorUtilities.CreateInstance<FleetSimulator>(app.App, channel, options);
        var round = await second.CheckInAllAsync();

        Assert.Equal(2, round.Succeeded);
        Assert.Equal(stale.DeviceId, second.Devices[0].DeviceId);
        var rejected = await Assert.ThrowsAsync<DeviceChannelException>(() => channel.CheckInAsync(stale.DeviceToken, device.NextCheckIn(long.MaxValue / 2)));
        Assert.Equal(DeviceChannelFailure.Unauthorized, rejected.Failure);
        Assert.Equal(2, await app.WithDbAsync(db => db.Devices.CountAsync(d => d.Udid == second.Devices[0].Udid || d.Udid == second.Devices[1].Udid)));
    }
}
