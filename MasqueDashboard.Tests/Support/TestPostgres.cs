using System.Diagnostics;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// A real, throw-away PostgreSQL for the tests: Debian's server started once per test run in a temporary cluster
/// on a free loopback port (as the <c>postgres</c> user when the tests run as root), stopped when the run ends.
/// <c>MASQUE_TEST_POSTGRES</c> may name an existing server instead (a connection string with the right to create
/// databases). Every test app gets its own database, copied from a migrated template in milliseconds.
/// </summary>
/// <remarks>
/// <c>MASQUE_TEST_DATABASE=Postgres</c> runs the whole suite on PostgreSQL (what <c>.ci/run</c> does in its second
/// pass); without it, only the tests that exist for PostgreSQL use it.
/// </remarks>
public static class TestPostgres
{
    private const string Template = "masque_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Lazy<(string? Admin, string? Problem)> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static bool templateReady;

    /// <summary>True when <c>MASQUE_TEST_DATABASE=Postgres</c> asks for the whole suite on PostgreSQL.</summary>
    public static bool IsSelected =>
        string.Equals(Environment.GetEnvironmentVariable("MASQUE_TEST_DATABASE"), DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>Why no server can be had here, or null when one runs.</summary>
    public static string? Unavailable => Server.Value.Problem;

    /// <summary>Skips a PostgreSQL-only test where no server can be had — except under CI, where that is a failure.</summary>
    public static void RequireOrSkip()
    {
        if (Unavailable is { } problem)
        {
            Assert.False(SharedFixtures.IsCi, $"PostgreSQL is required under CI=true: {problem}");
            Skip.If(true, problem);
        }
    }

    /// <summary>Creates an empty, migrated database of its own and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var admin = Server.Value.Admin ?? throw new InvalidOperationException($"PostgreSQL is not available: {Server.Value.Problem}");
        var name = "masque_" + Guid.NewGuid().ToString("N");
        Gate.Wait();
        try
        {
            if (!templateReady)
            {
                Execute(admin, $"DROP DATABASE IF EXISTS {Template}");
                Execute(admin, $"CREATE DATABASE {Template}");
                var template = With(admin, Template);
                using (var db = PostgresMasqueDbContext.Standalone(template))
                {
                    db.Database.Migrate();
                }

                NpgsqlConnection.ClearAllPools(); // CREATE DATABASE … TEMPLATE needs nobody connected to the template
                templateReady = true;
            }

            // One copy at a time: PostgreSQL refuses a template that another CREATE DATABASE is reading.
            Execute(admin, $"CREATE DATABASE {name} TEMPLATE {Template}");
        }
        finally
        {
            Gate.Release();
        }

        return With(admin, name);
    }

    /// <summary>An empty database with no tables, for tests that migrate it themselves (returns its connection string).</summary>
    public static string CreateEmptyDatabase()
    {
        var admin = Server.Value.Admin ?? throw new InvalidOperationException($"PostgreSQL is not available: {Server.Value.Problem}");
        var name = "masque_" + Guid.NewGuid().ToString("N");
        Execute(admin, $"CREATE DATABASE {name}");
        return With(admin, name);
    }

    public static void DropDatabase(string connectionString)
    {
        if (Server.Value.Admin is not { } admin)
        {
            return;
        }

        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        Execute(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static string With(string admin, string database) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = true, MaxPoolSize = 30 }.ConnectionString;

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static (string? Admin, string? Problem) Start()
    {
        if (Environment.GetEnvironmentVariable("MASQUE_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return (given, null);
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            return (null, "PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it)");
        }

        var root = Environment.UserName == "root";
        if (root && !File.Exists("/usr/sbin/runuser"))
        {
            return (null, "running as root needs runuser to start PostgreSQL as the postgres user");
        }

        var directory = Directory.CreateTempSubdirectory("masque-pg-").FullName;
        var data = Path.Combine(directory, "data");
        if (root)
        {
            Run("chown", ["-R", "postgres:postgres", directory], root: false);
        }

        var init = Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], root);
        if (init.ExitCode != 0)
        {
            return (null, $"initdb failed: {init.Output}");
        }

        var port = TestRedis.FreePort();
        // A watchdog shell runs the server and stops it (fast shutdown) when this test process is gone, however it ended.
        var postgres = string.Join(' ', new[]
        {
            Path.Combine(bin, "postgres"), "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=400", "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "shared_buffers=128MB",
        });
        var watchdog = $"{postgres} & pid=$!; while [ -d /proc/{Environment.ProcessId} ] && kill -0 $pid 2>/dev/null; do sleep 1; done; kill -INT $pid 2>/dev/null; wait $pid";
        var server = Process.Start(StartInfo("/bin/sh", ["-c", watchdog], root))!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(bin, data, directory, root);

        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 5,
        }.ConnectionString;
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                Execute(admin, "SELECT 1");
                return (admin, null);
            }
            catch (NpgsqlException) when (DateTime.UtcNow < until && !server.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (NpgsqlException e)
            {
                return (null, $"PostgreSQL did not start on port {port}: {e.Message}");
            }
        }
    }

    private static void Stop(string bin, string data, string directory, bool root)
    {
        try
        {
            // Fast shutdown: connections are ended, nothing is left behind (the watchdog would do it within a second too).
            Run(Path.Combine(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "10"], root);
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // The temporary folder is cleaned by the OS.
        }
    }

    private static (int ExitCode, string Output) Run(string file, string[] arguments, bool root)
    {
        using var process = Process.Start(StartInfo(file, arguments, root))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static ProcessStartInfo StartInfo(string file, string[] arguments, bool root)
    {
        var info = new ProcessStartInfo(root ? "/usr/sbin/runuser" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (root)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }
}
