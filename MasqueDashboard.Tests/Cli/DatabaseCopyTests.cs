using System.Net;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Cli;

/// <summary><c>db copy --from Sqlite --to Postgres</c>: a pilot moves to PostgreSQL with everything it had.</summary>
public sealed class DatabaseCopyTests : IDisposable
{
    private readonly MasqueAppFactory pilot = new MasqueAppFactory().With("Database:Provider", "Sqlite").WithFleet();
    private readonly List<string> targets = [];

    public void Dispose()
    {
        pilot.Dispose();
        foreach (var target in targets)
        {
            TestPostgres.DropDatabase(target);
        }
    }

    [SkippableFact]
    public async Task A_pilot_moves_to_postgres_with_its_users_tokens_devices_and_an_intact_audit_chain()
    {
        TestPostgres.RequireOrSkip();
        var admin = await pilot.CreateUserAsync("admin@copy.test", Roles.EmmAdmin);
        var token = await pilot.IssueTokenAsync(admin);
        await pilot.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(pilot);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        Assert.Equal("Quarantined", (await device.CheckInAsync([.. FleetTestData.CleanApps[..2], impostor])).Compliance);
        var before = await CountsAsync(pilot);
        var head = await pilot.App.GetRequiredService<IAuditLog>().VerifyAsync();

        var target = TestPostgres.CreateEmptyDatabase();
        targets.Add(target);
        var (exit, output, error) = await CopyAsync(target);

        Assert.True(exit == CommandLine.Ok, output + error);
        Assert.Contains($"intact, {head.EventCount:N0} events, head {head.HeadSequence} {head.HeadHash}", output, StringComparison.Ordinal);
        using var copy = new MasqueAppFactory().WithFleet().With("Database:Provider", "Postgres").With("ConnectionStrings:Postgres", target);
        Assert.Equal(before, await CountsAsync(copy));
        using (var signedIn = await copy.SignInAsync("admin@copy.test"))
        {
            Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("devices")).StatusCode); // the password hash came along
        }

        using (var bearer = copy.CreateBearerClient(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("api/v1/me")).StatusCode); // and the hashed token
        }

        var onCopy = device.On(copy);
        Assert.Equal("Compliant", (await onCopy.CheckInAsync(FleetTestData.CleanApps)).Compliance); // its device token too; quarantine lifts
        Assert.True((await copy.App.GetRequiredService<IAuditLog>().VerifyAsync()).IsIntact);
    }

    [SkippableFact]
    public async Task A_target_that_already_holds_data_is_refused_and_left_as_it_was()
    {
        TestPostgres.RequireOrSkip();
        await pilot.CreateUserAsync("first@copy.test", Roles.Auditor);
        var target = TestPostgres.CreateEmptyDatabase();
        targets.Add(target);
        Assert.Equal(CommandLine.Ok, (await CopyAsync(target)).Exit);
        await pilot.CreateUserAsync("second@copy.test", Roles.Auditor);

        var (exit, _, error) = await CopyAsync(target);

        Assert.Equal(CommandLine.Failed, exit);
        Assert.Contains("already holds data", error, StringComparison.Ordinal);
        using var copy = new MasqueAppFactory().With("Database:Provider", "Postgres").With("ConnectionStrings:Postgres", target);
        Assert.Equal(["first@copy.test"], await copy.WithDbAsync(db => db.Users.Select(u => u.Email!).ToListAsync()));
    }

    [Theory]
    [InlineData("--from", "Postgres", "--to", "Sqlite")]
    [InlineData("--from", "Sqlite")]
    public async Task Only_sqlite_to_postgres_is_a_copy(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["db", "copy", .. options], output, error, builder =>
        {
            pilot.UseSameDatabase(builder);
            builder.Configuration["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=never_used";
            builder.Environment.EnvironmentName = "Testing";
        });

        Assert.Equal(CommandLine.Usage, exit);
    }

    private async Task<(int Exit, string Out, string Err)> CopyAsync(string target)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["db", "copy", "--from", "Sqlite", "--to", "Postgres"], output, error, builder =>
        {
            pilot.UseSameDatabase(builder);
            builder.Configuration["ConnectionStrings:Postgres"] = target;
            builder.Environment.EnvironmentName = "Testing";
        });
        return (exit, output.ToString(), error.ToString());
    }

    private static Task<(int Users, int Tokens, int Events, int Devices, int Commands, int Violations, int Apps)> CountsAsync(MasqueAppFactory app) =>
        app.WithDbAsync(async db => (await db.Users.CountAsync(), await db.ApiTokens.CountAsync(), await db.AuditEvents.CountAsync(), await db.Devices.CountAsync(),
            await db.DeviceCommands.CountAsync(), await db.DeviceViolations.CountAsync(), await db.DeviceApps.CountAsync()));
}
