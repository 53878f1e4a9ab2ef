using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Siem;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Audit.Siem;

/// <summary>
/// Syslog forwarding against a real rsyslog (Debian's <c>rsyslog</c>, installed by <c>.ci/run</c>): started on a
/// loopback port with an RFC 5424 octet-counting TCP input, writing what it parsed to a file the test reads, and
/// stopped and started again mid-stream.
/// </summary>
public sealed partial class RsyslogTests : IDisposable
{
    private const string Rsyslogd = "/usr/sbin/rsyslogd";
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Siem:BatchSize", "7");
    private readonly string directory = Directory.CreateTempSubdirectory("masque-rsyslog-").FullName;

    public void Dispose()
    {
        app.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // rsyslog may still hold its work files for a moment; the temp folder is cleaned by the OS.
        }
    }

    [SkippableFact]
    public async Task Events_reach_rsyslog_in_order_and_none_is_lost_across_a_stop_and_start()
    {
        if (!File.Exists(Rsyslogd))
        {
            Assert.False(SharedFixtures.IsCi, "rsyslog is required under CI=true (.ci/run installs Debian's rsyslog)");
            Skip.If(true, "rsyslog is not installed (apt-get install rsyslog; .ci/run installs it)");
        }

        var port = FreeLoopbackPort();
        var output = Path.Combine(directory, "received.log");
        var config = WriteConfig(port, output);

        var admin = await app.ForAsync(await app.CreateUserAsync("rsyslog-admin@test", Roles.EmmAdmin));
        await app.App.GetRequiredService<SiemSettingsStore>().SaveAsync(admin,
            new SiemSinkSettings { Sink = SiemSinks.Syslog, Enabled = true, Host = "127.0.0.1", Port = port, Protocol = "tcp", AppName = "masque-test" }, null);
        var forwarder = app.App.GetRequiredService<SiemForwarder>();
        var audit = app.App.GetRequiredService<IAuditLog>();

        using (await Rsyslog.StartAsync(config, port))
        {
            for (var i = 0; i < 12; i++)
            {
                await audit.RecordAsync(AuditActor.System, "test.before", $"before:{i}");
            }

            await DrainAsync(forwarder);

            // A batch goes out, then rsyslog is stopped (as an administrator restarting it would) before the next send.
            for (var i = 0; i < 5; i++)
            {
                await audit.RecordAsync(AuditActor.System, "test.inflight", $"in-flight:{i}");
            }

            await forwarder.ForwardOnceAsync();
        }

        // Down: events keep coming, every attempt fails, the checkpoint waits.
        var stuckAt = (await CheckpointAsync()).LastSequence;
        for (var i = 0; i < 9; i++)
        {
            await audit.RecordAsync(AuditActor.System, "test.during", $"during:{i}", new { note = $"outage {i}" });
            await forwarder.ForwardOnceAsync();
            app.Time.Advance(TimeSpan.FromMinutes(2));
        }

        var down = await CheckpointAsync();
        Assert.True(down.LastSequence <= stuckAt + 5, "the checkpoint must not move past what rsyslog could have received");
        Assert.NotNull(down.LastError);

        using (await Rsyslog.StartAsync(config, port))
        {
            await DrainAsync(forwarder);
            var head = await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence));
            Assert.Equal(head, (await CheckpointAsync()).LastSequence);
            var lines = await WaitForAsync(output, head);

            // Everything arrived, first arrivals in sequence order (a resent batch may repeat: at-least-once).
            var sequences = lines.Select(l => l.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, (int)head).Select(s => (long)s), sequences.Distinct().Order());
            Assert.Equal(sequences.Distinct(), sequences.Distinct().Order());

            // rsyslog parsed each as RFC 5424: our APP-NAME, the action as MSGID, the details as MSG.
            Assert.All(lines, l => Assert.Equal("masque-test", l.AppName));
            var during = lines.First(l => l.Details.Contains("\"outage 3\"", StringComparison.Ordinal));
            Assert.Equal("test.during", during.MsgId);
        }

        async Task DrainAsync(SiemForwarder f)
        {
            for (var round = 0; round < 100; round++)
            {
                await f.ForwardOnceAsync();
                app.Time.Advance(TimeSpan.FromMinutes(2));
                await Task.Delay(20);
                if ((await CheckpointAsync()).LastSequence == await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence)))
                {
                    return;
                }
            }

            Assert.Fail("The forwarder did not catch up with rsyslog.");
        }
    }

    private Task<SiemCheckpoint> CheckpointAsync() =>
        app.WithDbAsync(async db => await db.SiemCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.Sink == SiemSinks.Syslog) ?? new SiemCheckpoint { Sink = SiemSinks.Syslog });

    /// <summary>An imtcp input on 127.0.0.1 (octet-counted framing is on by default) and a file of what rsyslog parsed.</summary>
    private string WriteConfig(int port, string output)
    {
        var path = Path.Combine(directory, "rsyslog.conf");
        File.WriteAllText(path, $$"""
            global(workDirectory="{{directory}}" maxMessageSize="64k")
            module(load="imtcp")
            template(name="parsed" type="string" string="%app-name%|%msgid%|%structured-data%|%msg%\n")
            ruleset(name="masque") {
              action(type="omfile" file="{{output}}" template="parsed" flushOnTXEnd="on" asyncWriting="off")
            }
            input(type="imtcp" port="{{port}}" address="127.0.0.1" ruleset="masque")
            """);
        return path;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<List<Received>> WaitForAsync(string output, long head)
    {
        var lines = new List<Received>();
        for (var i = 0; i < 200; i++)
        {
            lines = File.Exists(output) ? (await File.ReadAllLinesAsync(output)).Where(l => l.Length > 0).Select(Received.Parse).ToList() : [];
            if (lines.Any(l => l.Sequence == head))
            {
                break;
            }

            await Task.Delay(50);
        }

        return lines;
    }

    private sealed partial record Received(string AppName, string MsgId, long Sequence, string Details)
    {
        public static Received Parse(string line)
        {
            var parts = line.Split('|', 4);
            var sequence = SequencePattern().Match(parts[2]);
            Assert.True(sequence.Success, $"no seq in structured data: {line}");
            return new Received(parts[0], parts[1], long.Parse(sequence.Groups[1].Value, CultureInfo.InvariantCulture), parts[3]);
        }

        [GeneratedRegex("seq=\"(\\d+)\"")]
        private static partial Regex SequencePattern();
    }

    /// <summary>One rsyslogd in the foreground; disposing stops it with SIGTERM, the way a service manager does.</summary>
    private sealed class Rsyslog : IDisposable
    {
        private readonly Process process;

        private Rsyslog(Process process) => this.process = process;

        public static async Task<Rsyslog> StartAsync(string config, int port)
        {
            var start = new ProcessStartInfo(Rsyslogd) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-n", "-f", config, "-i", config + ".pid" })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            for (var i = 0; i < 200; i++)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"rsyslogd exited {process.ExitCode}: {await stderr}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return new Rsyslog(process);
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }

            process.Kill();
            throw new TimeoutException($"rsyslogd did not listen on 127.0.0.1:{port}");
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                term.WaitForExit();
                if (!process.WaitForExit(10_000))
                {
                    process.Kill();
                }
            }

            process.Dispose();
        }
    }
}
