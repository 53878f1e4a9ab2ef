using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Cli;

/// <summary><c>demo seed</c>, the bulk fleet seeder behind it, and the fleet benchmarks at toy sizes (their timings are not asserted).</summary>
public sealed class FleetCommandTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    private async Task<(int Exit, string Out, string Err)> RunAsync(string environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error, builder =>
        {
            app.UseSameDatabase(builder);
            builder.Configuration["Storage:Root"] = Path.Combine(app.DatabaseDirectory, "packages");
            builder.Environment.EnvironmentName = environment;
        });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Demo_seed_refuses_outside_development_without_force()
    {
        var (exit, _, error) = await RunAsync("Production", "demo", "seed", "--devices", "10");
        Assert.Equal(CommandLine.Failed, exit);
        Assert.Contains("--force true", error, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Devices.CountAsync()));
        Assert.Equal(CommandLine.Usage, (await RunAsync("Development", "demo", "seed", "--devices", "lots")).Exit);
    }

    [Fact]
    public async Task Demo_seed_fills_a_fleet_whose_state_the_engine_computed_and_a_valid_audit_chain()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var (exit, output, error) = await RunAsync("Testing", "demo", "seed", "--devices", "400", "--apps-per-device", "12", "--events", "2500", "--force", "true");
        Assert.True(exit == CommandLine.Ok, output + error);

        Assert.Equal(400, await app.WithDbAsync(db => db.Devices.CountAsync()));
        Assert.Equal(400 * 12, await app.WithDbAsync(db => db.DeviceApps.CountAsync()));
        Assert.Equal(400, await app.WithDbAsync(db => db.DeviceCheckIns.CountAsync()));
        // The Masque'd share carries the attacker's unmanaged build of the catalog app and is quarantined with its profile's removal queued.
        var masqued = await app.WithDbAsync(db => db.DeviceViolations.Where(v => v.RuleId == ViolationIds.MasqueBundleHijack).Select(v => v.DeviceId).Distinct().ToListAsync());
        Assert.NotEmpty(masqued);
        Assert.All(await app.WithDbAsync(db => db.Devices.Where(d => masqued.Contains(d.Id)).Select(d => d.Compliance).ToListAsync()), s => Assert.Equal(ComplianceState.Quarantined, s));
        Assert.Equal(masqued.Count, await app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Type == CommandType.RemoveProfile).Select(c => c.DeviceId).Distinct().CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.DeviceCommands.AnyAsync(c => c.Type == CommandType.RemoveApp)));
        Assert.False(await app.WithDbAsync(db => db.DeviceViolations.AnyAsync(v => v.RuleId == ViolationIds.AppNotFromCatalog && !masqued.Contains(v.DeviceId))));
        // Below-7.1 devices exist in the era's mix, and the minimum-version rule caught them.
        Assert.True(await app.WithDbAsync(db => db.DeviceViolations.AnyAsync(v => v.RuleId == ViolationIds.OsVersionBelowMinimum)));

        var verification = await app.App.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.True(verification.EventCount >= 2500);
    }

    [Fact]
    public async Task The_seeder_is_deterministic_for_a_seed()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var seeder = app.App.CreateScope().ServiceProvider.GetRequiredService<FleetSeeder>();
        await seeder.SeedAsync(new FleetSeed(50, 10, Seed: 7));
        var first = await app.WithDbAsync(db => db.Devices.OrderBy(d => d.Id).Select(d => d.Model + d.OsVersion + d.Supervised).ToListAsync());
        await app.WithDbAsync(async db => await db.Database.ExecuteSqlRawAsync("""DELETE FROM "DeviceCommands"; DELETE FROM "DeviceViolations"; DELETE FROM "DeviceCheckIns"; DELETE FROM "DeviceApps"; DELETE FROM "Devices";"""));
        await seeder.SeedAsync(new FleetSeed(50, 10, Seed: 7));
        var second = await app.WithDbAsync(db => db.Devices.OrderBy(d => d.Id).Select(d => d.Model + d.OsVersion + d.Supervised).ToListAsync());
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Bench_fleet_and_bench_checkin_run_and_append_their_rows_to_the_report()
    {
        var report = Path.Combine(app.DatabaseDirectory, "BENCHMARKS.md");
        var (_, fleetOut, fleetErr) = await RunAsync("Testing", "bench", "fleet", "--devices", "300", "--runs", "1", "--report", report);
        Assert.Contains("Full re-evaluation median", fleetOut + fleetErr, StringComparison.Ordinal);
        Assert.Matches(@"After a simulated week: [\d,]+ check-ins kept .*: pass\.", fleetOut);
        Assert.Contains("of 201,600 written", fleetOut, StringComparison.Ordinal); // 300 devices × 96 a day × 7 days
        var (_, checkinOut, checkinErr) = await RunAsync("Testing", "bench", "checkin", "--devices", "20", "--seconds", "1", "--concurrency", "4", "--report", report);
        Assert.Contains("check-ins in", checkinOut + checkinErr, StringComparison.Ordinal);
        Assert.Contains("lost 0", checkinOut, StringComparison.Ordinal);

        var text = await File.ReadAllTextAsync(report);
        Assert.Contains("## Fleet (`bench fleet`)", text, StringComparison.Ordinal);
        Assert.Contains("## Check-in (`bench checkin`)", text, StringComparison.Ordinal);
        Assert.Contains("| 300 × 40 |", text, StringComparison.Ordinal);
        Assert.Contains("## Fleet history after a simulated week (`bench fleet`)", text, StringComparison.Ordinal);
    }
}
