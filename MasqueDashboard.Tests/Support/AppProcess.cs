using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// The app as an operator runs it: its own process (<c>dotnet MasqueDashboard.dll</c>, the build the tests reference),
/// listening on a free loopback port, configured through environment variables. For the tests of several instances:
/// two of these on one PostgreSQL, killed with SIGKILL when a test says so.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private AppProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>What the process wrote so far (for a failing test's message).</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts an instance in the Development environment (so its static web assets are served from the build) with demo
    /// data and the simulator off, plus <paramref name="settings"/> (configuration keys, <c>:</c> or <c>__</c>), and waits
    /// until <c>/health/ready</c> answers 200.
    /// </summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = TestRedis.FreePort();
        // A watchdog shell runs the app and kills it when this test process is gone, however the test ended.
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"\"{Dotnet()}\" \"{Path.Combine(AppContext.BaseDirectory, "MasqueDashboard.dll")}\" & pid=$!; "
            + $"while [ -d /proc/{Environment.ProcessId} ] && kill -0 $pid 2>/dev/null; do sleep 1; done; kill -9 $pid 2>/dev/null; wait $pid");
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Demo__Seed"] = "false";
        info.Environment["Fleet__Simulator__Enabled"] = "false";
        info.Environment["Security__RequireTwoFactorForPrivilegedRoles"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var app = new AppProcess(Process.Start(info)!, port);
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"The app exited while starting:\n{app.Log}");
            }

            try
            {
                using var ready = await http.GetAsync("health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > until)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"The app did not become ready on port {port}:\n{app.Log}");
            }

            await Task.Delay(200);
        }
    }

    public HttpClient CreateClient(bool handleCookies = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = handleCookies }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>SIGKILL: no shutdown, no finally blocks, leases and locks left as a crash leaves them.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 200_000)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Dotnet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
