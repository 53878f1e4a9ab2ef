using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// The operator verbs of PRODUCT.md §10, run by the same executable with the same configuration as the
/// server (appsettings, environment variables). Exit codes: 0 done, 1 the check or action failed,
/// 2 bad usage.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string UsageText = """
        Usage: MasqueDashboard <verb> [options]      (no verb: run the web server)

          users add --email E --role R [--role R2 ...] [--password P]
                                  Create a console user. Roles: Developer, SecurityReviewer, EmmAdmin, Auditor.
                                  Without --password a one-time password is generated and printed.
          tokens issue --email E [--name N]
                                  Issue a personal API token for the user; the token is printed alone on
                                  the last line.
          scan FILE               Scan an .ipa with the built-in App Reputation scanner (no server needed) and
                                  print the JSON report. Exit code: 0 clean, 1 suspicious, 2 malicious, 3 invalid.
          bench scan [--file F] [--runs N] [--report docs/BENCHMARKS.md]
                                  Time a full scan of a ~50 MB .ipa (built when --file is absent) against
                                  sha256sum + unzip -t of the same file; report the ratio and peak memory
                                  growth, and append them to the report file. Run it in a Release build.
          bench fleet [--devices N] [--apps-per-device K] [--runs R] [--week-devices W] [--report docs/BENCHMARKS.md]
                                  On a temporary database: seed N devices (default 100,000) × K apps (40), then
                                  time a full fleet re-evaluation and the revocation lookup (bars 5 s and 1 s),
                                  then a simulated week of W devices (10,000) checking in every 15 minutes with
                                  retention pruning, and the table sizes after it.
          bench checkin [--devices N] [--seconds S] [--concurrency C] [--apps K] [--provider Sqlite|Postgres]
                        [--target URL [--secret S]] [--report docs/BENCHMARKS.md]
                                  On a temporary database (SQLite, or a database of its own on the server of
                                  ConnectionStrings:Postgres) and a loopback server: check-ins per second with K apps
                                  (40) each, p50/p99 latency and a reconciliation of what was stored. With --target,
                                  against a running deployment made for it (e.g. nginx before two instances) whose
                                  database is the configured one, enrolling with --secret (default Fleet:EnrollmentSecret).
          bench export [--events N] [--runs R] [--provider Sqlite|Postgres] [--report docs/BENCHMARKS.md]
                                  On a temporary database: append N audit events (default 1,000,000), then time the
                                  CSV export of the trail against sqlite3 -csv (on PostgreSQL psql \copy) of the same rows (bar 1.5×) and report
                                  the peak working-set growth (flat memory).
          bench overview [--devices N] [--apps-per-device K] [--events M] [--runs R] [--provider Sqlite|Postgres]
                         [--report docs/BENCHMARKS.md]
                                  On a temporary database and a loopback server: demo seed data (100,000 devices × 40
                                  apps, 1,000,000 events), then the overview's server render (bar 150 ms median),
                                  /devices filtered, and audit verify of the whole chain.
          demo seed --devices N [--apps-per-device K] [--events M] [--force]
                                  Fill the database with synthetic fleet data at scale (devices with App Store and
                                  catalog apps, some Masque'd; M audit events with a valid chain). Development only,
                                  unless --force true.
          db migrate              Create or upgrade the database.
          db copy --from Sqlite --to Postgres
                                  Copy the whole SQLite database (ConnectionStrings:Sqlite) — users, tokens, keys,
                                  submissions, catalog, fleet and the audit chain — into the empty PostgreSQL database
                                  of ConnectionStrings:Postgres (created and migrated), in one transaction, then verify
                                  the copied audit chain. Refuses a target that already holds data.
          audit verify            Recompute the audit trail's hash chain; exit 1 when it is broken.
          help                    This text.
        """;

    private static readonly string[] Verbs = ["users", "tokens", "db", "audit", "scan", "bench", "demo", "help", "--help", "-h"];

    /// <summary>A first argument that is not an option names a verb; options alone start the server.</summary>
    public static bool IsVerb(string[] args) =>
        args is { Length: > 0 } && (!args[0].StartsWith('-') || Verbs.Contains(args[0]));

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var verb = args[0] == "scan" ? "scan" : string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
        if (verb is "help" || args[0] is "--help" or "-h")
        {
            await output.WriteLineAsync(UsageText);
            return Ok;
        }

        Func<IServiceProvider, CliArguments, TextWriter, Task<int>>? handler = verb switch
        {
            "users add" => AddUserAsync,
            "tokens issue" => IssueTokenAsync,
            "db migrate" => static (_, _, o) => WriteAsync(o, "Database is up to date."),
            "db copy" => CopyDatabaseAsync,
            "audit verify" => VerifyAuditAsync,
            "scan" => ScanAsync,
            "bench scan" => BenchScanAsync,
            "bench fleet" => BenchFleetAsync,
            "bench checkin" => BenchCheckInAsync,
            "bench export" => BenchExportAsync,
            "bench overview" => BenchOverviewAsync,
            "demo seed" => DemoSeedAsync,
            _ => null,
        };
        if (handler is null)
        {
            await error.WriteLineAsync($"Unknown verb '{verb}'.");
            await error.WriteLineAsync(UsageText);
            return Usage;
        }

        CliArguments options;
        try
        {
            options = verb == "scan"
                ? CliArguments.Parse(args.Skip(2)).WithPositional(args.Length > 1 ? args[1] : throw new CliUsageException("scan needs a FILE."))
                : CliArguments.Parse(args.Skip(verb.Split(' ').Length));
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(UsageText);
            return Usage;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        builder.AddMasqueDashboard();
        await using var app = builder.Build();

        try
        {
            await DatabaseInitializer.MigrateAsync(app.Services);
            await using var scope = app.Services.CreateAsyncScope();
            return await handler(scope.ServiceProvider, options, output);
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(UsageText);
            return Usage;
        }
        catch (DomainException e)
        {
            await error.WriteLineAsync($"Refused: {e.Message}");
            return Failed;
        }
    }

    private static async Task<int> CopyDatabaseAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        if (!string.Equals(args.Single("from"), DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(args.Single("to"), DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException("db copy copies --from Sqlite --to Postgres.");
        }

        var configuration = services.GetRequiredService<IConfiguration>();
        if (configuration.GetConnectionString(DatabaseOptions.Postgres) is not { Length: > 0 } postgres)
        {
            throw new CliUsageException("db copy needs ConnectionStrings:Postgres (the target).");
        }

        var sqlite = DatabaseInitializer.ResolveSqliteConnectionString(configuration, services.GetRequiredService<IWebHostEnvironment>().ContentRootPath);
        await using (var source = SqliteMasqueDbContext.Standalone(sqlite))
        {
            await source.Database.MigrateAsync(); // the pilot's database at this version first
            await using var target = PostgresMasqueDbContext.Standalone(postgres);
            var tables = await DatabaseCopy.CopyAsync(source, target, new OutputProgress(output), CancellationToken.None);
            await output.WriteLineAsync($"Copied {tables.Sum(t => t.Rows):N0} rows in {tables.Count} tables.");
        }

        var copy = new ServiceCollection()
            .AddSingleton<IDbContextFactory<MasqueDbContext>>(new StandaloneContextFactory(() => PostgresMasqueDbContext.Standalone(postgres)))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IAuditLog, AuditLog>()
            .BuildServiceProvider();
        await using (copy)
        {
            var verification = await copy.GetRequiredService<IAuditLog>().VerifyAsync();
            await output.WriteLineAsync(verification.IsIntact
                ? $"Audit chain on the copy: intact, {verification.EventCount:N0} events, head {verification.HeadSequence} {verification.HeadHash}."
                : $"Audit chain on the copy: BROKEN at event {verification.FirstBrokenSequence}: {verification.Problem}");
            return verification.IsIntact ? Ok : Failed;
        }
    }

    private static async Task<int> AddUserAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("email", "role", "password");
        var created = await services.GetRequiredService<UserAdministrationService>()
            .CreateAsync(AuditActor.CommandLine, args.Single("email"), args.Many("role"), args.Optional("password"));
        await output.WriteLineAsync($"Created {created.Email} ({created.Id}).");
        if (created.GeneratedPassword is not null)
        {
            await output.WriteLineAsync($"One-time password: {created.GeneratedPassword}");
        }

        return Ok;
    }

    private static async Task<int> IssueTokenAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("email", "name");
        var email = args.Single("email");
        var user = await services.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email)
            ?? throw DomainException.NotFound($"No user with the email {email}.");
        var token = await services.GetRequiredService<ApiTokenService>()
            .IssueAsync(user.Id, args.Optional("name") ?? "cli", AuditActor.CommandLine);
        await output.WriteLineAsync($"Issued token '{token.Name}' for {email}. It is shown once:");
        await output.WriteLineAsync(token.Token);
        return Ok;
    }

    private static async Task<int> VerifyAuditAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly();
        var audit = services.GetRequiredService<IAuditLog>();
        var result = await audit.VerifyAsync();
        await audit.RecordAsync(AuditActor.CommandLine, AuditActions.AuditVerified, "audit-trail",
            new { result.IsIntact, result.EventCount, result.HeadSequence, result.FirstBrokenSequence, via = "cli" });
        if (result.IsIntact)
        {
            await output.WriteLineAsync($"Audit trail intact: {result.EventCount} events, head {result.HeadSequence} {result.HeadHash}.");
            return Ok;
        }

        await output.WriteLineAsync($"Audit trail BROKEN at event {result.FirstBrokenSequence}: {result.Problem}");
        return Failed;
    }

    /// <summary>Exit codes of <c>scan</c>: what a build pipeline branches on.</summary>
    public static int ExitCodeOf(Verdict verdict) => verdict switch
    {
        Verdict.Clean => 0,
        Verdict.Suspicious => 1,
        Verdict.Malicious => 2,
        _ => 3,
    };

    private static async Task<int> ScanAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly();
        var path = Path.GetFullPath(args.Positional!);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"No such file: {path}");
        }

        string sha256;
        long size;
        await using (var file = File.OpenRead(path))
        {
            size = file.Length;
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
        }

        var report = await services.GetRequiredService<AppReputation>().ScanAsync(new ScanRequest(path, sha256, size, Path.GetFileName(path)), CancellationToken.None);
        await output.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson));
        return ExitCodeOf(report.Verdict);
    }

    private static Task<int> BenchScanAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("file", "runs", "report");
        var runs = args.Optional("runs") is { } r ? (int.TryParse(r, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 50 ? n : throw new CliUsageException("--runs takes 1 to 50.")) : 5;
        return ScanBenchmark.RunAsync(services, args.Optional("file"), runs, args.Optional("report"), output);
    }

    private static Task<int> BenchFleetAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("devices", "apps-per-device", "runs", "week-devices", "report");
        return FleetBenchmark.RunFleetAsync(Number(args, "devices", 100_000, 1, 1_000_000), Number(args, "apps-per-device", 40, 1, 200),
            Number(args, "runs", 3, 1, 20), Number(args, "week-devices", 10_000, 1, 1_000_000), args.Optional("report"), output);
    }

    private static async Task<int> BenchCheckInAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("devices", "seconds", "concurrency", "apps", "report", "provider", "target", "secret");
        Uri? target = null;
        if (args.Optional("target") is { } url && (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out target) || target.Scheme is not ("http" or "https")))
        {
            throw new CliUsageException("--target is an http(s) URL, e.g. http://127.0.0.1:8080.");
        }

        var database = target is null ? await BenchDatabase.ForAsync(args.Optional("provider") ?? DatabaseOptions.Sqlite, services.GetRequiredService<IConfiguration>()) : BenchDatabase.Sqlite;
        return await FleetBenchmark.RunCheckInAsync(Number(args, "devices", 2_000, 1, 100_000), Number(args, "seconds", 20, 1, 600),
            Number(args, "concurrency", 32, 1, 512), Number(args, "apps", 40, 0, 200), target, args.Optional("secret"), database, services, args.Optional("report"), output);
    }

    private static async Task<int> BenchExportAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("events", "runs", "report", "provider");
        var events = Number(args, "events", 1_000_000, 1, 10_000_000);
        var runs = Number(args, "runs", 3, 1, 20);
        var database = await BenchDatabase.ForAsync(args.Optional("provider") ?? DatabaseOptions.Sqlite, services.GetRequiredService<IConfiguration>());
        return await AuditExportBenchmark.RunAsync(events, runs, database, args.Optional("report"), output);
    }

    private static async Task<int> BenchOverviewAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("devices", "apps-per-device", "events", "runs", "report", "provider");
        var (devices, apps, events, runs) = (Number(args, "devices", 100_000, 1, 1_000_000), Number(args, "apps-per-device", 40, 1, 200),
            Number(args, "events", 1_000_000, 0, 10_000_000), Number(args, "runs", 20, 1, 1_000));
        var database = await BenchDatabase.ForAsync(args.Optional("provider") ?? DatabaseOptions.Sqlite, services.GetRequiredService<IConfiguration>());
        return await OverviewBenchmark.RunAsync(devices, apps, events, runs, database, args.Optional("report"), output);
    }

    private static async Task<int> DemoSeedAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("devices", "apps-per-device", "events", "force");
        var force = args.Optional("force") is { } f && (bool.TryParse(f, out var yes) ? yes : throw new CliUsageException("--force takes true or false."));
        var environment = services.GetRequiredService<IWebHostEnvironment>();
        if (!environment.IsDevelopment() && !force)
        {
            throw DomainException.Forbidden($"demo seed writes synthetic data; this is the {environment.EnvironmentName} environment. Add --force true if you mean it.");
        }

        await services.GetRequiredService<Features.Demo.DemoSeeder>().SeedAsync();
        var seed = new Features.Demo.FleetSeed(Number(args, "devices", 0, 0, 1_000_000), Number(args, "apps-per-device", 40, 0, 200), Number(args, "events", 0, 0, 10_000_000));
        var result = await services.GetRequiredService<Features.Demo.FleetSeeder>().SeedAsync(seed, new OutputProgress(output));
        await output.WriteLineAsync($"Seeded {result.Devices:N0} devices, {result.DeviceApps:N0} installed apps, {result.Events:N0} audit events in {result.Elapsed.TotalSeconds:0.0} s.");
        return Ok;
    }

    private static int Number(CliArguments args, string name, int fallback, int min, int max) =>
        args.Optional(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw new CliUsageException($"--{name} takes a number from {min:N0} to {max:N0}.");

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static async Task<int> WriteAsync(TextWriter output, string line)
    {
        await output.WriteLineAsync(line);
        return Ok;
    }
}

internal sealed class CliUsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs; a name may repeat. A verb may take one positional argument first.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);

    public string? Positional { get; private set; }

    public CliArguments WithPositional(string value)
    {
        Positional = value;
        return this;
    }

    public static CliArguments Parse(IEnumerable<string> args)
    {
        var parsed = new CliArguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new CliUsageException($"Unexpected argument '{name}'.");
            }

            if (!e.MoveNext() || e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliUsageException($"Option {name} needs a value.");
            }

            var key = name[2..];
            if (!parsed.values.TryGetValue(key, out var list))
            {
                parsed.values[key] = list = [];
            }

            list.Add(e.Current);
        }

        return parsed;
    }

    public void AllowOnly(params string[] names)
    {
        var unknown = values.Keys.Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUsageException($"Unknown option --{unknown[0]}.");
        }
    }

    public string Single(string name) =>
        values.TryGetValue(name, out var list) && list.Count == 1 ? list[0]
        : throw new CliUsageException(list is { Count: > 1 } ? $"Option --{name} may be given once." : $"Option --{name} is required.");

    public string? Optional(string name) =>
        values.TryGetValue(name, out var list) ? (list.Count == 1 ? list[0] : throw new CliUsageException($"Option --{name} may be given once.")) : null;

    public IReadOnlyList<string> Many(string name) =>
        values.TryGetValue(name, out var list) ? list : throw new CliUsageException($"Option --{name} is required.");
}
