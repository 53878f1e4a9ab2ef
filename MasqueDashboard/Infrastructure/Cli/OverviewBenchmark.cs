using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// <c>bench overview</c> (PRODUCT.md §12, issue 8 "data at scale"): on a temporary database, the <c>demo seed</c> data
/// at full size (100,000 devices × 40 apps and 1,000,000 audit events by default), the dashboard listening on
/// 127.0.0.1, and an EMM administrator signed in through the real login form. Times the server render of the
/// overview (the prerendered page, every query included; bar ≤ 150 ms median), of <c>/devices</c> filtered, and the
/// integrity check of the whole chain.
/// </summary>
internal static partial class OverviewBenchmark
{
    private const double OverviewBarMs = 150;
    private const string Password = "Bench-overview-1!";

    public static async Task<int> RunAsync(int devices, int appsPerDevice, int events, int runs, BenchDatabase database, string? reportPath, TextWriter output)
    {
        await using var host = await FleetBenchmark.BenchHost.StartAsync(listen: true, database);
        var services = host.App.Services;
        await FleetBenchmark.SeedCatalogAsync(services);
        await output.WriteLineAsync($"Seeding {devices:N0} devices × {appsPerDevice} apps and {events:N0} audit events into {host.Directory} …");
        var seeded = await services.GetRequiredService<FleetSeeder>().SeedAsync(new FleetSeed(devices, appsPerDevice, Events: events), new OutputProgress(output, "  "));
        await output.WriteLineAsync($"Seeded in {seeded.Elapsed.TotalSeconds:0} s.");
        if (database.IsPostgres)
        {
            // What autovacuum does to a table some time after a bulk load: the visibility map (index-only scans for the
            // overview's counts) and the planner's statistics. Measuring before it would measure the bulk load.
            await using var db = await services.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync();
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE)");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministrationService>()
                .CreateAsync(AuditActor.CommandLine, "bench-admin@bench.invalid", [Roles.EmmAdmin], Password);
        }

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await SignInAsync(http, "bench-admin@bench.invalid");

        var overview = await TimeAsync(http, "", "data-testid=\"card-devices\"", runs, output);
        var devicesPage = await DevicesAsync(services, runs, output);

        var watch = Stopwatch.StartNew();
        var verification = await services.GetRequiredService<IAuditLog>().VerifyAsync();
        var verifyMs = watch.Elapsed.TotalMilliseconds;
        await output.WriteLineAsync($"  audit verify: {verification.EventCount:N0} events, {(verification.IsIntact ? "intact" : "BROKEN")}, {verifyMs:0} ms");

        var passed = overview <= OverviewBarMs && verification.IsIntact;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Overview server render median {overview:0} ms (bar {OverviewBarMs:0} ms); /devices {string.Join(", ", devicesPage.Select(d => $"{d.Name} {d.Ms:0} ms"))}; audit verify of {verification.EventCount:N0} events {verifyMs / 1000:0.0} s: {(passed ? "pass" : "FAIL")}."));
        if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, database.IsPostgres ? "Overview at scale on PostgreSQL (`bench overview --provider Postgres`)" : "Overview at scale (`bench overview`)",
                $"`demo seed` data on a fresh {(database.IsPostgres ? "PostgreSQL database" : "SQLite file")}, the dashboard on 127.0.0.1, an EMM administrator signed in through the login form; each figure is the median over the runs (after two warm-up requests) of a full server render: the prerendered page with every query it makes. `/devices` is the page's own search call (a page of 25 with the matching total), unfiltered, filtered to non-compliant, by an owner's text, and carrying a bundle id. `audit verify` recomputes the whole chain. Bar (PRODUCT.md §12): overview ≤ 150 ms.",
                "| when | machine | devices × apps | audit events | overview | /devices: " + string.Join(" · ", devicesPage.Select(d => d.Name)) + " | audit verify | bar |\n|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {devices:N0} × {appsPerDevice} | {verification.EventCount:N0} | {overview:0} ms | {string.Join(" · ", devicesPage.Select(d => $"{d.Ms:0} ms"))} | {verifyMs / 1000:0.0} s | {(passed ? "pass" : "FAIL")} |"));
        }

        return passed ? CommandLine.Ok : CommandLine.Failed;
    }

    /// <summary>The <c>/devices</c> grid's own call (MudDataGrid loads it once the circuit is up, so not in the prerender).</summary>
    private static async Task<List<(string Name, double Ms)>> DevicesAsync(IServiceProvider services, int runs, TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
        var admin = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<ApplicationUser>>()
            .CreateAsync((await users.FindByEmailAsync("bench-admin@bench.invalid"))!);
        var fleet = scope.ServiceProvider.GetRequiredService<Features.Fleet.FleetService>();
        (string Name, Features.Fleet.DeviceQuery Query)[] searches =
        [
            ("all", new()), ("non-compliant", new(Compliance: Features.Fleet.ComplianceState.NonCompliant)),
            ("text", new(Search: "robin.")) , ("carrying a bundle id", new(CarryingBundleId: FleetBenchmark.BenchCatalog[0].BundleId)),
        ];
        var results = new List<(string, double)>();
        foreach (var (name, query) in searches)
        {
            var times = new List<double>();
            long total = 0;
            for (var i = 0; i < runs + 2; i++)
            {
                var watch = Stopwatch.StartNew();
                total = (await fleet.SearchAsync(admin, query)).TotalCount;
                if (i >= 2)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            var median = BenchmarkReport.Median(times);
            results.Add((name, median));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  /devices {name}: median {median:0} ms ({total:N0} matching)"));
        }

        return results;
    }

    private static async Task<double> TimeAsync(HttpClient http, string path, string expect, int runs, TextWriter output)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 2; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            var ms = watch.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK || !html.Contains(expect, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode} without {expect}.");
            }

            if (i >= 2)
            {
                times.Add(ms);
            }
        }

        var median = BenchmarkReport.Median(times);
        await output.WriteLineAsync($"  GET /{path}: median {median:0} ms over {runs} runs");
        return median;
    }

    private static async Task SignInAsync(HttpClient http, string email)
    {
        var page = await http.GetStringAsync("Account/Login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
        });
        using var response = await http.PostAsync("Account/Login", form);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"The benchmark could not sign in ({(int)response.StatusCode}).");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
