using System.Diagnostics;
using System.Globalization;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// <c>bench export</c> (PRODUCT.md §12): on a temporary database, N synthetic events with a valid chain, then the CSV
/// export of all of them timed against the database's own CSV writer writing the same rows and columns to a file
/// (<c>sqlite3 -csv</c>; on PostgreSQL <c>psql \copy … csv</c>), with the peak working-set growth of the process during
/// our export. Bar: ≤ 1.5× that floor, growth under 64 MB.
/// </summary>
internal static class AuditExportBenchmark
{
    private const double RatioBar = 1.5;
    private const long MemoryBarBytes = 64L * 1024 * 1024;

    public static async Task<int> RunAsync(int events, int runs, BenchDatabase database, string? reportPath, TextWriter output)
    {
        await using var host = await FleetBenchmark.BenchHost.StartAsync(listen: false, database);
        var floorName = database.IsPostgres ? "psql \\copy csv" : "sqlite3 -csv";
        var services = host.App.Services;
        await output.WriteLineAsync($"Appending {events:N0} audit events into {host.Directory} …");
        var seeded = await services.GetRequiredService<FleetSeeder>().SeedAsync(new FleetSeed(0, 0, Events: events), new OutputProgress(output, "  "));
        await output.WriteLineAsync($"Appended {seeded.Events:N0} events in {seeded.Elapsed.TotalSeconds:0.0} s.");

        System.Security.Claims.ClaimsPrincipal auditor;
        await using (var scope = services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserAdministrationService>()
                .CreateAsync(AuditActor.CommandLine, "bench-auditor@bench.invalid", [Roles.Auditor], password: null);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>()
                .CreateAsync((await users.FindByIdAsync(created.Id))!);
            auditor = principal;
        }

        var ours = new List<double>();
        long peakGrowth = 0;
        AuditExportManifest? manifest = null;
        var ourFile = Path.Combine(host.Directory, "export.csv");
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await using var scope = services.CreateAsyncScope();
            var exports = scope.ServiceProvider.GetRequiredService<AuditExportService>();
            using var sampler = new ScanBenchmark.WorkingSetSampler();
            var watch = Stopwatch.StartNew();
            await using (var file = new FileStream(ourFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                // The whole trail: each run also holds the audit.exported events of the runs before it.
                manifest = await exports.ExportAsync(auditor, null, new AuditQuery(), AuditExportFormat.Csv, file, Guid.NewGuid());
            }

            ours.Add(watch.Elapsed.TotalMilliseconds);
            peakGrowth = Math.Max(peakGrowth, sampler.Stop());
            await output.WriteLineAsync($"  our CSV export {i + 1}: {watch.Elapsed.TotalMilliseconds:0} ms, {manifest.RowCount:N0} rows, {manifest.Bytes / 1048576.0:0.0} MiB");
        }

        var floorFile = Path.Combine(host.Directory, "floor.csv");
        var floor = new List<double>();
        string? floorNote = null;
        for (var i = 0; i < runs && floorNote is null; i++)
        {
            var (ms, problem) = database.IsPostgres
                ? await PsqlCopyAsync(database.ConnectionString!, floorFile, manifest!.ChainHead.Sequence)
                : await Sqlite3Async(Path.Combine(host.Directory, "bench.db"), floorFile, manifest!.ChainHead.Sequence);
            if (problem is not null)
            {
                floorNote = problem;
                break;
            }

            floor.Add(ms);
            await output.WriteLineAsync($"  {floorName} {i + 1}: {ms:0} ms, {new FileInfo(floorFile).Length / 1048576.0:0.0} MiB");
        }

        var ourMs = BenchmarkReport.Median(ours);
        var floorMs = floor.Count > 0 ? BenchmarkReport.Median(floor) : double.NaN;
        var ratio = ourMs / floorMs;
        var passed = floor.Count > 0 && ratio <= RatioBar && peakGrowth < MemoryBarBytes;
        var verdict = floorNote is not null ? $"no floor: {floorNote}" : passed ? "pass" : "FAIL";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"CSV export of {manifest!.RowCount:N0} events on {database.Name}: ours {ourMs:0} ms, {floorName} {(floor.Count > 0 ? $"{floorMs:0} ms" : "n/a")}, ratio {(floor.Count > 0 ? $"{ratio:0.00}" : "n/a")} (bar {RatioBar}); peak working-set growth {peakGrowth / 1048576.0:0.0} MB (bar 64): {verdict}."));
        if (reportPath is not null && database.IsPostgres)
        {
            BenchmarkReport.Append(reportPath, "Audit export on PostgreSQL (`bench export --provider Postgres`)",
                "The same export on a fresh PostgreSQL database (Debian's PostgreSQL 15, on the same machine), against `psql -c \"\\copy (SELECT the same columns … ORDER BY \"Sequence\") TO file WITH (FORMAT csv, HEADER)\"`. Bar (PRODUCT.md §12): ≤ 1.5× that floor, flat memory (< 64 MB growth).",
                "| when | machine | events | file | ours | psql \\copy | ratio | peak growth | bar |\n|---|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {manifest.RowCount:N0} | {manifest.Bytes / 1048576.0:0} MiB | {ourMs:0} ms | {(floor.Count > 0 ? $"{floorMs:0} ms" : "psql not on PATH")} | {(floor.Count > 0 ? $"{ratio:0.00}×" : "-")} | {peakGrowth / 1048576.0:0.0} MB | {verdict} |"));
        }
        else if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, "Audit export (`bench export`)",
                "CSV export of the whole trail (synthetic events with a valid chain, `demo seed --events`) on a fresh SQLite file, through the export service (slices read by two threads, CsvHelper with formula neutralising, SHA-256 of the file, manifest and audit event), median of the runs, against `sqlite3 -csv` writing the same rows and columns to a file. Peak growth: the process's working set during our export. Bar (PRODUCT.md §12): ≤ 1.5× sqlite3, flat memory (< 64 MB growth).",
                "| when | machine | events | file | ours | sqlite3 -csv | ratio | peak growth | bar |\n|---|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {manifest.RowCount:N0} | {manifest.Bytes / 1048576.0:0} MiB | {ourMs:0} ms | {(floor.Count > 0 ? $"{floorMs:0} ms" : "not on PATH")} | {(floor.Count > 0 ? $"{ratio:0.00}×" : "-")} | {peakGrowth / 1048576.0:0.0} MB | {verdict} |"));
        }

        var searchPassed = await TrailSearchAsync(services, auditor, manifest.RowCount, runs, database, reportPath, output);
        return passed && searchPassed ? CommandLine.Ok : CommandLine.Failed;
    }

    /// <summary>
    /// The searches an auditor runs on <c>/audit/trail</c> over the same million events, each the page's own call
    /// (one page of 50 and the matching total), median of the runs. Bar: every one interactive, ≤ 500 ms.
    /// </summary>
    private static async Task<bool> TrailSearchAsync(IServiceProvider services, System.Security.Claims.ClaimsPrincipal auditor, long events, int runs, BenchDatabase database,
        string? reportPath, TextWriter output)
    {
        const double barMs = 500;
        var today = DateTime.UtcNow.Date;
        (string Name, AuditQuery Query)[] searches =
        [
            ("newest page", new AuditQuery()),
            ("page 10,000", new AuditQuery(Page: 10_000)),
            ("one day", new AuditQuery(FromUtc: today.AddDays(-3), ToUtc: today.AddDays(-2))),
            ("actor", new AuditQuery(Actor: "admin@")),
            ("action", new AuditQuery(Action: AuditActions.LoginFailed)),
            ("target", new AuditQuery(Target: "device:")),
            ("details text, no match", new AuditQuery(Text: "no-such-text")),
        ];
        await using var scope = services.CreateAsyncScope();
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrailService>();
        var cells = new List<string>();
        var worst = 0.0;
        foreach (var (name, query) in searches)
        {
            var times = new List<double>();
            long total = 0;
            for (var i = 0; i < Math.Max(runs, 3); i++)
            {
                var watch = Stopwatch.StartNew();
                total = (await trail.SearchAsync(auditor, query)).TotalCount;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            var median = BenchmarkReport.Median(times);
            worst = Math.Max(worst, median);
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{median:0} ms"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  trail search, {name}: {median:0} ms ({total:N0} matching)"));
        }

        var passed = worst <= barMs;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Trail search: slowest {worst:0} ms (bar {barMs:0} ms): {(passed ? "pass" : "FAIL")}."));
        if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, database.IsPostgres ? "Audit trail search on PostgreSQL (`bench export --provider Postgres`)" : "Audit trail search (`bench export`)",
                $"The `/audit/trail` page's own search call (a page of 50 newest first, plus the matching total) over the same million events on {database.Name}, median of the runs. Bar: every search interactive, ≤ 500 ms.",
                "| when | machine | events | " + string.Join(" | ", searches.Select(s => s.Name)) + " | bar |\n|---|---|---|" + string.Concat(searches.Select(_ => "---|")) + "---|",
                string.Create(CultureInfo.InvariantCulture, $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {events:N0} | {string.Join(" | ", cells)} | {(passed ? "pass" : "FAIL")} |"));
        }

        return passed;
    }

    private static async Task<(double Ms, string? Problem)> PsqlCopyAsync(string connectionString, string outputFile, long headSequence)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var copy = string.Create(CultureInfo.InvariantCulture,
            $"\\copy (SELECT \"Sequence\", \"OccurredAtUtc\", \"Actor\", \"ActorId\", \"Action\", \"Target\", \"Details\", \"ClientIp\", \"PreviousHash\", \"Hash\" FROM \"AuditEvents\" WHERE \"Sequence\" <= {headSequence} ORDER BY \"Sequence\") TO '{outputFile}' WITH (FORMAT csv, HEADER)");
        var start = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-X", "-q", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!, "-c", copy })
        {
            start.ArgumentList.Add(arg);
        }

        if (builder.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        try
        {
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? (watch.Elapsed.TotalMilliseconds, null) : (0, $"psql exited {process.ExitCode}: {(await error).Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (0, "psql is not on the PATH");
        }
    }

    private static async Task<(double Ms, string? Problem)> Sqlite3Async(string database, string outputFile, long headSequence)
    {
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT Sequence, OccurredAtUtc, Actor, ActorId, Action, Target, Details, ClientIp, PreviousHash, Hash FROM AuditEvents WHERE Sequence <= {headSequence} ORDER BY Sequence;");
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-csv", "-header", database, $".output {outputFile}", sql })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? (watch.Elapsed.TotalMilliseconds, null) : (0, $"sqlite3 exited {process.ExitCode}: {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (0, "sqlite3 is not on the PATH");
        }
    }
}
