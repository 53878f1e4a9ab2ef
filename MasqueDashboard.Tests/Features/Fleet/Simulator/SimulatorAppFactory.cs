using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Fleet.Simulator;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

/// <summary>
/// The app with its fleet simulator turned on (off by default in "Testing"), in-process, with a small fleet. Under the
/// fake clock the background loop enrols the fleet and then waits for time that never passes: tests drive rounds.
/// </summary>
public sealed class SimulatorAppFactory : MasqueAppFactory
{
    public const string Secret = "test-enrollment-secret";
    public const int DeviceCount = 12;

    public SimulatorAppFactory()
    {
        With("Fleet:EnrollmentSecret", Secret);
        With("Fleet:Simulator:Enabled", "true");
        With("Fleet:Simulator:DeviceCount", DeviceCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public FleetSimulator Simulator => App.GetRequiredService<FleetSimulator>();

    /// <summary>Example Corp's published catalog and trusted team, as the Development demo has them.</summary>
    public Task SeedDemoCatalogAsync() => this.WithScopeAsync(async s =>
    {
        await s.GetRequiredService<DemoSeeder>().SeedCatalogAsync();
        return true;
    });
}
