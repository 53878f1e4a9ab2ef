using System.Text.Json;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet.Simulator;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

public sealed class SimulatorServiceTests : IClassFixture<SimulatorAppFactory>
{
    private readonly SimulatorAppFactory app;

    public SimulatorServiceTests(SimulatorAppFactory app) => this.app = app;

    [Theory]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.SecurityReviewer)]
    public async Task Only_an_emm_administrator_triggers_a_scenario(string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@simulator.test";
        var user = await app.ForAsync(await app.CreateUserAsync(email, role));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s =>
            s.GetRequiredService<SimulatorService>().TriggerAsync(user, Scenario.Jailbreak, 3, "203.0.113.7")));

        Assert.Equal(403, refusal.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == FleetActions.ScenarioTriggered && e.Actor == email)));
    }

    [Fact]
    public async Task An_administrators_scenario_reaches_the_devices_at_once_and_is_audited()
    {
        var email = $"admin-{Guid.NewGuid():N}@simulator.test";
        var admin = await app.ForAsync(await app.CreateUserAsync(email, Roles.EmmAdmin));

        var result = await app.WithScopeAsync(s => s.GetRequiredService<SimulatorService>().TriggerAsync(admin, Scenario.Jailbreak, 3, "203.0.113.7"));

        Assert.Equal(3, result.DeviceIds.Count);
        Assert.Equal([ViolationIds.DeviceJailbroken], result.RuleIds);
        var ids = result.DeviceIds.ToList();
        var devices = await app.WithDbAsync(db => db.Devices.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync());
        Assert.Equal(3, devices.Count);
        Assert.All(devices, d => Assert.True(d.Jailbroken));
        Assert.Equal(3, await app.WithDbAsync(db => db.DeviceViolations.CountAsync(v => ids.Contains(v.DeviceId) && v.RuleId == ViolationIds.DeviceJailbroken)));
        var audited = Assert.Single(await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == FleetActions.ScenarioTriggered && e.Actor == email).ToListAsync()));
        Assert.Equal("simulator:Jailbreak", audited.Target);
        Assert.Equal("203.0.113.7", audited.ClientIp);
        using var details = JsonDocument.Parse(audited.Details);
        Assert.Equal(ids, details.RootElement.GetProperty("deviceIds").EnumerateArray().Select(e => e.GetInt64()).ToList());
    }

    [Fact]
    public async Task A_scenario_is_refused_when_the_simulator_is_off()
    {
        using var off = new MasqueAppFactory();
        var admin = await off.ForAsync(await off.CreateUserAsync("admin@simulator-off.test", Roles.EmmAdmin));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => off.WithScopeAsync(s =>
            s.GetRequiredService<SimulatorService>().TriggerAsync(admin, Scenario.MasqueCampaign, 1, null)));

        Assert.Equal(RefusalKind.Conflict, refusal.Kind);
        Assert.Equal(SimulatorState.Off, off.App.GetRequiredService<FleetSimulator>().Status.State);
        Assert.Equal(0, await off.WithDbAsync(db => db.Devices.CountAsync()));
    }
}
