using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// <c>bench fleet</c> and <c>bench checkin</c> (PRODUCT.md §12), each on its own temporary SQLite database so a
/// benchmark never touches real data: fleet-wide re-evaluation and revocation lookup at 100,000 devices × 40 apps,
/// and check-ins per second over HTTP on loopback with their latency and a reconciliation of what was stored.
/// </summary>
internal static class FleetBenchmark
{
    private const string Secret = "bench-enrollment-secret";

    public static readonly (string BundleId, string Name, string[] Schemes)[] BenchCatalog =
    [
        ("com.example.bank", "Example Bank", ["examplebank"]), ("com.example.mail", "Example Mail", ["examplemail"]),
        ("com.example.expenses", "Expenses", []), ("com.example.travel", "Travel Desk", ["exampletravel"]),
    ];

    public const string BenchTeam = "ABCDE12345";

    public static async Task<int> RunFleetAsync(int devices, int appsPerDevice, int runs, int weekDevices, string? reportPath, TextWriter output)
    {
        await using var host = await BenchHost.StartAsync(listen: false);
        var services = host.App.Services;
        await SeedCatalogAsync(services);
        await output.WriteLineAsync($"Seeding {devices:N0} devices × {appsPerDevice} apps into {host.Directory} …");
        var seeder = services.GetRequiredService<FleetSeeder>();
        var seeded = await seeder.SeedAsync(new FleetSeed(devices, appsPerDevice), new OutputProgress(output, "  "));
        await output.WriteLineAsync($"Seeded {seeded.DeviceApps:N0} installed apps ({seeded.Builds} distinct builds) in {seeded.Elapsed.TotalSeconds:0.0} s.");

        var fleet = services.GetRequiredService<FleetReevaluation>();
        var cache = services.GetRequiredService<FleetCache>();
        var full = new List<double>();
        ReevaluationResult? last = null;
        for (var i = 0; i < runs; i++)
        {
            cache.Invalidate(); // a policy or catalog change: nothing cached
            var watch = Stopwatch.StartNew();
            last = await fleet.ReevaluateAsync((IReadOnlyCollection<long>?)null);
            full.Add(watch.Elapsed.TotalMilliseconds);
            await output.WriteLineAsync($"  full re-evaluation {i + 1}: {watch.Elapsed.TotalMilliseconds:0} ms ({last.Evaluated:N0} devices, {last.Changed:N0} changed)");
        }

        // Revocation: the certificate of the catalog's first app is on every device; a Masque signer on a few.
        var contexts = services.GetRequiredService<IDbContextFactory<MasqueDbContext>>();
        var lookups = new List<double>();
        var affected = 0;
        for (var i = 0; i < runs; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var watch = Stopwatch.StartNew();
            var found = await FleetReevaluation.AffectedDevicesAsync(db, CatalogChange.ForCertificate("e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7"), default);
            lookups.Add(watch.Elapsed.TotalMilliseconds);
            affected = found.Count;
        }

        var corpSigner = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(BenchTeam + BenchCatalog[0].BundleId)));
        int everyone;
        double everyoneMs;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var watch = Stopwatch.StartNew();
            everyone = (await FleetReevaluation.AffectedDevicesAsync(db, CatalogChange.ForCertificate(corpSigner), default)).Count;
            everyoneMs = watch.Elapsed.TotalMilliseconds;
        }

        var fullMs = BenchmarkReport.Median(full);
        var lookupMs = BenchmarkReport.Median(lookups);
        var passed = fullMs <= 5000 && lookupMs <= 1000 && everyoneMs <= 1000;
        await output.WriteLineAsync($"Full re-evaluation median {fullMs:0} ms (bar 5,000 ms); revocation lookup {lookupMs:0} ms for {affected:N0} devices, {everyoneMs:0} ms for {everyone:N0} devices (bar 1,000 ms): {(passed ? "pass" : "FAIL")}.");
        if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, "Fleet (`bench fleet`)",
                "A synthetic fleet (`demo seed` data: App Store and catalog apps, 2% carrying a Masque build) on a fresh SQLite file. Full re-evaluation: every device judged against the policies, the catalog and the signers with nothing cached (median of the runs). Revocation lookup: the indexed query that finds the devices carrying anything a certificate signed — for the Masque signer, and for the catalog signer every device carries. Bars (PRODUCT.md §12): re-evaluation ≤ 5 s, lookup ≤ 1 s.",
                "| when | machine | devices × apps | seed | full re-evaluation | revocation lookup (devices) | lookup, whole fleet | bar |\n|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {devices:N0} × {appsPerDevice} | {seeded.Elapsed.TotalSeconds:0} s | {fullMs:0} ms | {lookupMs:0} ms ({affected:N0}) | {everyoneMs:0} ms ({everyone:N0}) | {(passed ? "pass" : "FAIL")} |"));
        }

        var bounded = await SimulateWeekAsync(services, Path.Combine(host.Directory, "bench.db"), Math.Min(devices, weekDevices), reportPath, output);
        return passed && bounded ? CommandLine.Ok : CommandLine.Failed;
    }

    /// <summary>
    /// Bounded history: seven days of every device checking in every 15 minutes (96 check-ins a day each, written in
    /// bulk by SQLite itself), with <see cref="FleetRetention"/> pruning at the end of each day as it would hourly.
    /// Bar: after the week the check-in table holds at most the retention period's check-ins (plus the seed's).
    /// The first <paramref name="devices"/> devices of the fleet check in (<c>--week-devices</c>, 10,000 by default:
    /// a week of 100,000 devices is 67 million rows and about half an hour of writing on 2 cores, for the same bound).
    /// </summary>
    private static async Task<bool> SimulateWeekAsync(IServiceProvider services, string database, int devices, string? reportPath, TextWriter output)
    {
        const int days = 7;
        const int perDay = 96;
        var retention = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetRetentionOptions>>().Value.CheckIns;
        var pruner = services.GetRequiredService<FleetRetention>();
        var contexts = services.GetRequiredService<IDbContextFactory<MasqueDbContext>>();
        var start = DateTime.UtcNow.Date.AddDays(-days);
        long inserted = 0;
        long pruned = 0;
        long peak = 0;
        long lastDevice;
        long seededCheckIns;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            seededCheckIns = await db.DeviceCheckIns.LongCountAsync();
            lastDevice = await db.Devices.OrderBy(d => d.Id).Skip(devices - 1).Select(d => d.Id).FirstOrDefaultAsync();
        }

        var watch = Stopwatch.StartNew();
        await output.WriteLineAsync($"Simulating a week of check-ins every 15 minutes for {devices:N0} devices (retention {retention}) …");
        for (var day = 0; day < days; day++)
        {
            await using (var db = await contexts.CreateDbContextAsync())
            {
                db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144"); // 256 MiB: the check-in indexes take random inserts
                var dayStart = start.AddDays(day).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                // The slots drive the outer loop (CROSS JOIN keeps that order), so ids grow with time as they do live.
                inserted += await db.Database.ExecuteSqlAsync($"""
                    WITH RECURSIVE slot(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM slot WHERE n < {perDay - 1})
                    INSERT INTO DeviceCheckIns (DeviceId, AtUtc, Sequence, AppCount, Compliance)
                    SELECT d.Id, strftime('%Y-%m-%d %H:%M:%S', {dayStart}, '+' || (slot.n * 15) || ' minutes', '+' || (d.Id % 900) || ' seconds'),
                           d.LastSequence + 1 + slot.n, d.AppCount, d.Compliance
                    FROM slot CROSS JOIN Devices d
                    WHERE d.Id <= {lastDevice}
                    """);
                peak = Math.Max(peak, await db.DeviceCheckIns.LongCountAsync());
            }

            pruned += await pruner.PruneBeforeAsync(start.AddDays(day + 1) - retention);
            await output.WriteLineAsync($"  day {day + 1}: {inserted:N0} check-ins written, {pruned:N0} pruned ({watch.Elapsed.TotalSeconds:0} s)");
        }

        long checkIns, commands, deviceApps, events;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            checkIns = await db.DeviceCheckIns.LongCountAsync();
            commands = await db.DeviceCommands.LongCountAsync();
            deviceApps = await db.DeviceApps.LongCountAsync();
            events = await db.AuditEvents.LongCountAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        var file = new FileInfo(database).Length;
        var limit = (long)(devices * perDay * (retention.TotalDays + 1 / 96.0)) + seededCheckIns; // the retention window, the boundary slot, the seed's own
        var passed = checkIns <= limit;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"After a simulated week: {checkIns:N0} check-ins kept of {inserted:N0} written (limit {limit:N0}), {commands:N0} commands, {deviceApps:N0} installed apps, {events:N0} audit events; database {file / 1048576.0:0} MiB; {watch.Elapsed.TotalSeconds:0} s: {(passed ? "pass" : "FAIL")}."));
        if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, "Fleet history after a simulated week (`bench fleet`)",
                "The same fleet, then seven days of every device checking in every 15 minutes (96 a day each, written in bulk), with `FleetRetention` pruning each day's expired check-ins (`Fleet:Retention:CheckIns`, default one day). Devices keep their latest state on their own rows; commands are never pruned. The first `--week-devices` devices (10,000) check in. Bar: the check-in table stays within the retention window.",
                "| when | machine | devices | check-ins written | kept | peak | commands | installed apps | database | time | bar |\n|---|---|---|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {devices:N0} | {inserted:N0} | {checkIns:N0} | {peak:N0} | {commands:N0} | {deviceApps:N0} | {file / 1048576.0:0} MiB | {watch.Elapsed.TotalSeconds:0} s | {(passed ? "pass" : "FAIL")} |"));
        }

        return passed;
    }

    /// <param name="target">
    /// Null: a server of its own on 127.0.0.1 over a temporary <paramref name="database"/>. Else the base URL of a running
    /// deployment (nginx in front of several instances) whose database is the configured one (<paramref name="configured"/>),
    /// enrolled with <paramref name="secret"/>; meant for a deployment made for the benchmark (it adds the bench catalog
    /// when missing, and its devices).
    /// </param>
    public static async Task<int> RunCheckInAsync(int devices, int seconds, int concurrency, int apps, Uri? target, string? secret, BenchDatabase database,
        IServiceProvider configured, string? reportPath, TextWriter output)
    {
        await using var host = target is null ? await BenchHost.StartAsync(listen: true, database) : null;
        var services = host?.App.Services ?? configured;
        var contexts = services.GetRequiredService<IDbContextFactory<MasqueDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            if (!await db.CatalogApps.AnyAsync(a => a.BundleId == BenchCatalog[0].BundleId))
            {
                await SeedCatalogAsync(services);
            }
        }

        var run = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var enrolSecret = host is null ? secret ?? services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value.EnrollmentSecret : Secret;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = host?.BaseAddress ?? target, Timeout = TimeSpan.FromSeconds(30) };
        var where = host is null ? $"Target {target} (its database: the configured one)" : $"Server on {host.BaseAddress} ({host.Database.Name} {(host.Database.IsPostgres ? "" : host.Directory)})";
        await output.WriteLineAsync($"{where}; enrolling {devices:N0} devices …");

        var fleet = new BenchDevice[devices];
        await Parallel.ForAsync(0, devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll")
            {
                Content = JsonContent.Create(new EnrollRequest($"BENCH-{run}-{i:D8}-0000-000000000000", $"F{i:D9}", "iPhone 6", "8.1", $"bench{i}@corp.example", true)),
            };
            request.Headers.Add("X-Enrollment-Secret", enrolSecret);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>(ct))!;
            fleet[i] = new BenchDevice(enrolled.DeviceToken, Body(i, apps));
        });

        // First check-in stores each inventory; the measured ones are the steady state a fleet lives in.
        var warmFailures = 0;
        await Parallel.ForAsync(0, devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            if (!await SendAsync(http, fleet[i], ct))
            {
                Interlocked.Increment(ref warmFailures);
            }
        });
        if (warmFailures > 0)
        {
            await output.WriteLineAsync($"{warmFailures} warm-up check-ins failed: the server is not healthy; stopping.");
            return CommandLine.Failed;
        }

        await output.WriteLineAsync($"Warmed up; measuring {seconds} s at concurrency {concurrency} with {apps} apps per check-in …");

        var latencies = new ConcurrentBag<double>();
        long sent = 0, failed = 0;
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            // Each worker owns its own devices, as a real device never checks in twice at once.
            var local = new List<double>();
            var mine = Enumerable.Range(0, devices).Where(i => i % concurrency == w).Select(i => fleet[i]).ToArray();
            for (var k = 0; mine.Length > 0 && deadline.Elapsed.TotalSeconds < seconds; k++)
            {
                var device = mine[k % mine.Length];
                var watch = Stopwatch.StartNew();
                var ok = await SendAsync(http, device, default);
                local.Add(watch.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref ok ? ref sent : ref failed);
            }

            foreach (var l in local)
            {
                latencies.Add(l);
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = deadline.Elapsed.TotalSeconds;

        var batch = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value.CheckInBatch;
        long stored;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var prefix = $"BENCH-{run}-";
            stored = await db.DeviceCheckIns.LongCountAsync(c => db.Devices.Any(d => d.Id == c.DeviceId && d.Udid.StartsWith(prefix))) - devices;
        }

        var sorted = latencies.Order().ToList();
        var rate = sent / elapsed;
        var p50 = BenchmarkReport.Percentile(sorted, 0.50);
        var p99 = BenchmarkReport.Percentile(sorted, 0.99);
        var lost = sent - stored;
        var passed = rate >= 1500 && p99 <= 100 && lost == 0 && failed == 0;
        await output.WriteLineAsync($"{sent:N0} check-ins in {elapsed:0.0} s = {rate:0} /s (bar 1,500); p50 {p50:0.0} ms, p99 {p99:0.0} ms (bar 100); failed {failed}, stored {stored:N0}, lost {lost}: {(passed ? "pass" : "FAIL")}.");
        if (reportPath is not null)
        {
            BenchmarkReport.Append(reportPath, "Check-in (`bench checkin`)",
                "The device contract over HTTP on loopback: by default Kestrel in the same process on a fresh database (SQLite, or PostgreSQL with `--provider Postgres`); with `--target URL` a running deployment (two instances behind nginx on PostgreSQL). Enrolled devices check in with 40 apps each (two of them catalog apps) from a pool of connections; the first check-in of each device is a warm-up, then the steady state is measured. Reconciled: every 200 answer has its check-in row. Bars (PRODUCT.md §12): ≥ 1,500 check-ins/s, p99 ≤ 100 ms, none lost.",
                "| when | machine | server | devices | concurrency | check-ins | rate | p50 | p99 | failed | lost | bar |\n|---|---|---|---|---|---|---|---|---|---|---|---|",
                string.Create(CultureInfo.InvariantCulture,
                    $"| {BenchmarkReport.Now()} | {BenchmarkReport.Machine()} | {(host is null ? $"--target {target}" : $"one instance, {host.Database.Name}")}{(batch == 64 ? "" : $", Fleet:CheckInBatch={batch}")} | {devices:N0} | {concurrency} | {sent:N0} in {elapsed:0} s | {rate:0} /s | {p50:0.0} ms | {p99:0.0} ms | {failed} | {lost} | {(passed ? "pass" : "FAIL")} |"));
        }

        return passed ? CommandLine.Ok : CommandLine.Failed;
    }

    private sealed class BenchDevice(string token, object[] apps)
    {
        public string Token { get; } = token;

        public object[] Apps { get; } = apps;

        public long Sequence { get; set; }

        public Lock Gate { get; } = new();
    }

    private static async Task<bool> SendAsync(HttpClient http, BenchDevice device, CancellationToken cancellationToken)
    {
        long sequence;
        lock (device.Gate)
        {
            sequence = ++device.Sequence;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/checkin")
        {
            Content = JsonContent.Create(new { sequence, osVersion = "8.1", supervised = true, jailbroken = false, containerEnabled = true, installedApps = device.Apps, commandResults = Array.Empty<object>() }),
        };
        request.Headers.Authorization = new("Bearer", device.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private static object[] Body(int device, int apps)
    {
        var list = new List<object>(apps);
        foreach (var (bundleId, name, schemes) in BenchCatalog.Take(2))
        {
            list.Add(new { bundleId, name, version = "1.0", teamId = BenchTeam, signerSha1 = "1111111111111111111111111111111111111111", distribution = "Enterprise", urlSchemes = schemes, extensions = Array.Empty<string>(), managed = true });
        }

        var store = Features.Fleet.Simulator.AppStoreApps.All;
        for (var i = 0; list.Count < apps; i++)
        {
            var (bundleId, name, team) = (store[(device + i) % store.Count].BundleId, store[(device + i) % store.Count].Name, store[(device + i) % store.Count].TeamId);
            list.Add(new { bundleId = i < store.Count ? bundleId : $"{bundleId}.extra{i}", name, version = $"{5 + ((device + i) % 3)}.0", teamId = team, signerSha1 = (string?)null, distribution = "AppStore", urlSchemes = Array.Empty<string>(), extensions = Array.Empty<string>(), managed = false });
        }

        return [.. list];
    }

    internal static async Task SeedCatalogAsync(IServiceProvider services)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<MasqueDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        foreach (var (bundleId, name, schemes) in BenchCatalog)
        {
            db.CatalogApps.Add(new CatalogApp
            {
                Id = Guid.NewGuid(), BundleId = bundleId, Name = name, TeamId = BenchTeam, Status = CatalogAppStatus.Published, CurrentSubmissionId = Guid.NewGuid(),
                CurrentVersion = "1.0", Distribution = "Enterprise", UrlSchemes = string.Join(' ', schemes), ApprovedByEmail = "bench", PublishedByEmail = "bench", PublishedAtUtc = now,
            });
        }

        db.TrustedSigners.Add(new TrustedSigner { TeamId = BenchTeam, Name = "Example Corp", AddedBy = "bench", AddedAtUtc = now });
        await db.SaveChangesAsync();
        services.GetRequiredService<FleetCache>().Invalidate();
    }

    /// <summary>The dashboard on a temporary database, optionally listening on 127.0.0.1 (loopback only).</summary>
    internal sealed class BenchHost : IAsyncDisposable
    {
        private BenchHost(WebApplication app, string directory, Uri? baseAddress, BenchDatabase database) =>
            (App, Directory, BaseAddress, Database) = (app, directory, baseAddress, database);

        public WebApplication App { get; }

        public string Directory { get; }

        public Uri? BaseAddress { get; }

        /// <summary>The temporary database: a SQLite file in <see cref="Directory"/>, or a database of its own on PostgreSQL.</summary>
        public BenchDatabase Database { get; }

        /// <param name="listen">Serve HTTP on 127.0.0.1 (a free port).</param>
        /// <param name="database">Where the temporary database lives (<see cref="BenchDatabase.Sqlite"/> by default).</param>
        public static async Task<BenchHost> StartAsync(bool listen, BenchDatabase? database = null)
        {
            database ??= BenchDatabase.Sqlite;
            var directory = Path.Combine(Path.GetTempPath(), "masque-bench", Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(directory);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Benchmark", ApplicationName = typeof(FleetBenchmark).Assembly.GetName().Name });
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "bench.db")}",
                ["Database:Provider"] = database.IsPostgres ? DatabaseOptions.Postgres : DatabaseOptions.Sqlite,
                ["ConnectionStrings:Postgres"] = database.ConnectionString,
                ["Storage:Root"] = Path.Combine(directory, "packages"),
                ["Fleet:EnrollmentSecret"] = Secret,
                ["Fleet:Simulator:Enabled"] = "false",
                ["Fleet:EscalationInterval"] = "01:00:00",
                ["Demo:Seed"] = "false",
                ["Security:RequireTwoFactorForPrivilegedRoles"] = "false",
            });
            if (listen)
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
            }

            builder.AddMasqueDashboard();
            var app = builder.Build();
            if (listen)
            {
                app.MapMasqueDashboard();
            }

            await DatabaseInitializer.MigrateAsync(app.Services);
            Uri? address = null;
            if (listen)
            {
                await app.StartAsync();
                address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            }

            return new BenchHost(app, directory, address, database);
        }

        public async ValueTask DisposeAsync()
        {
            if (BaseAddress is not null)
            {
                await App.StopAsync();
            }

            await App.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await Database.DropAsync();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean up with the rest of the temp folder.
            }
        }
    }
}

/// <summary>
/// A benchmark's temporary database: a SQLite file (the default), or with <c>--provider Postgres</c> a database of its
/// own created on the server of <c>ConnectionStrings:Postgres</c> (whose user may create databases) and dropped after.
/// </summary>
internal sealed class BenchDatabase
{
    public static readonly BenchDatabase Sqlite = new(null, null);

    private readonly string? admin;

    private BenchDatabase(string? admin, string? connectionString) => (this.admin, ConnectionString) = (admin, connectionString);

    public string? ConnectionString { get; }

    public bool IsPostgres => ConnectionString is not null;

    public string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    public static async Task<BenchDatabase> ForAsync(string provider, IConfiguration configuration)
    {
        if (string.Equals(provider, DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite;
        }

        if (!string.Equals(provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException("--provider is Sqlite or Postgres.");
        }

        if (configuration.GetConnectionString(DatabaseOptions.Postgres) is not { Length: > 0 } admin)
        {
            throw new CliUsageException("--provider Postgres needs ConnectionStrings:Postgres (a server where the benchmark may create its own database).");
        }

        var name = "masque_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new Npgsql.NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(admin, new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public async Task DropAsync()
    {
        if (admin is null || ConnectionString is null)
        {
            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
