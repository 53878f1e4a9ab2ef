using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// A throw-away Redis (Debian's <c>redis-server</c>) on a free loopback port, with no persistence, for the tests of
/// several instances; stopped when disposed. Skips where Redis is not installed, except under CI, where that fails.
/// </summary>
public sealed class TestRedis : IDisposable
{
    private const string Server = "/usr/bin/redis-server";
    private readonly Process process;

    private TestRedis(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string (<c>ConnectionStrings:Redis</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static TestRedis StartOrSkip()
    {
        if (!File.Exists(Server))
        {
            Assert.False(SharedFixtures.IsCi, "redis-server is required under CI=true (.ci/run installs Debian's redis-server)");
            Skip.If(true, "redis-server is not installed (apt-get install redis-server; .ci/run installs it)");
        }

        var port = FreePort();
        var info = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new TestRedis(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < until && !process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    /// <summary>A loopback port nobody listens on.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
