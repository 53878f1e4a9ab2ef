using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Siem;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Audit.Siem;

/// <summary>SIEM forwarding (PRODUCT.md §8, DOMAIN.md §7): formats, the durable checkpoint, outages, dead letters, authorization.</summary>
public sealed class SiemTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Siem:BatchSize", "7");

    public void Dispose() => app.Dispose();

    private static AuditEvent Event(long sequence, string action = "device.quarantined", string details = "{\"reason\":\"x\"}") => new()
    {
        Sequence = sequence, OccurredAtUtc = new DateTime(2014, 11, 13, 9, 30, 15, 123, DateTimeKind.Utc).AddTicks(4560), Actor = "admin@masque.test",
        Action = action, Target = "device:42", Details = details, ClientIp = "127.0.0.1", PreviousHash = new string('0', 64), Hash = new string('a', 64),
    };

    [Fact]
    public void Syslog_messages_follow_rfc_5424_with_escaped_structured_data_and_a_bom()
    {
        var e = Event(17, details: "{\"note\":\"ünïcode\"}");
        e.Actor = "eve \"the\" [admin]\\";
        var bytes = SiemFormats.Syslog(e, "host name", "masque-dashboard");
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Matches(new Regex("^<109>1 2014-11-13T09:30:15\\.123456Z hostname masque-dashboard - device\\.quarantined \\[audit@32473 seq=\"17\" "), text);
        Assert.Contains("actor=\"eve \\\"the\\\" [admin\\]\\\\\"", text, StringComparison.Ordinal);
        var bom = Array.IndexOf(bytes, (byte)0xEF);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[bom..(bom + 3)]);
        Assert.EndsWith("{\"note\":\"ünïcode\"}", text, StringComparison.Ordinal);
        Assert.StartsWith("<108>1 ", Encoding.UTF8.GetString(SiemFormats.Syslog(Event(1, AuditActions.LoginFailed), "h", "a")), StringComparison.Ordinal);

        var framed = SiemFormats.OctetCounted(bytes);
        Assert.Equal($"{bytes.Length} ", Encoding.ASCII.GetString(framed, 0, framed.Length - bytes.Length));
    }

    [Fact]
    public void Hec_bodies_are_concatenated_envelopes_with_decimal_epoch_seconds()
    {
        var body = Encoding.UTF8.GetString(SiemFormats.HecBody([Event(1), Event(2)], "web1", "masque:audit", "security"));
        var envelopes = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, envelopes.Count);
        Assert.Equal("1415871015.123", envelopes[0].GetProperty("time").GetRawText());
        Assert.Equal("security", envelopes[0].GetProperty("index").GetString());
        Assert.Equal(2, envelopes[1].GetProperty("event").GetProperty("sequence").GetInt64());
        Assert.Equal("x", envelopes[0].GetProperty("event").GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Splunk_gets_every_event_in_order_across_an_outage_and_skips_only_malformed_ones()
    {
        await using var hec = await FakeHec.StartAsync("secret-token");
        var admin = await app.ForAsync(await app.CreateUserAsync("siem-admin@test", Roles.EmmAdmin));
        var store = app.App.GetRequiredService<SiemSettingsStore>();
        var forwarder = app.App.GetRequiredService<SiemForwarder>();
        await store.SaveAsync(admin, new SiemSinkSettings { Sink = SiemSinks.Splunk, Enabled = true, Url = hec.Url, Token = "secret-token", SourceType = "masque:audit" }, null);
        for (var i = 0; i < 10; i++)
        {
            await app.App.GetRequiredService<IAuditLog>().RecordAsync(AuditActor.System, "test.event", $"n:{i}");
        }

        // Down: nothing moves, the error is kept, and the sink waits out its backoff.
        hec.Status = 503;
        Assert.Equal(0, await forwarder.ForwardOnceAsync());
        var failing = await CheckpointAsync();
        Assert.Equal(0, failing.LastSequence);
        Assert.Contains("503", failing.LastError, StringComparison.Ordinal);
        hec.Status = 200;
        Assert.Equal(0, await forwarder.ForwardOnceAsync()); // still backing off
        app.Time.Advance(TimeSpan.FromMinutes(2));

        // Up again: everything, in order, in batches of 7.
        while (await forwarder.ForwardOnceAsync() > 0)
        {
        }

        var head = await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), hec.Sequences);
        Assert.Equal(head, (await CheckpointAsync()).LastSequence);

        // One malformed event (code 6) is a dead letter: skipped and counted; the rest still arrive.
        await app.App.GetRequiredService<IAuditLog>().RecordAsync(AuditActor.System, "test.event", "poison");
        await app.App.GetRequiredService<IAuditLog>().RecordAsync(AuditActor.System, "test.event", "after");
        hec.RejectTarget = "poison";
        while (await forwarder.ForwardOnceAsync() > 0)
        {
        }

        Assert.Equal(1, (await CheckpointAsync()).DeadLetters);
        Assert.Contains(head + 2, hec.Sequences);
        Assert.DoesNotContain(head + 1, hec.Sequences);
        Assert.All(hec.Authorizations, a => Assert.Equal("Splunk secret-token", a));
    }

    [Fact]
    public async Task A_wrong_token_is_an_error_shown_and_nothing_is_skipped()
    {
        await using var hec = await FakeHec.StartAsync("right");
        var admin = await app.ForAsync(await app.CreateUserAsync("siem-admin2@test", Roles.EmmAdmin));
        await app.App.GetRequiredService<SiemSettingsStore>().SaveAsync(admin, new SiemSinkSettings { Sink = SiemSinks.Splunk, Enabled = true, Url = hec.Url, Token = "wrong" }, null);
        Assert.Equal(0, await app.App.GetRequiredService<SiemForwarder>().ForwardOnceAsync());
        var checkpoint = await CheckpointAsync();
        Assert.Equal(0, checkpoint.LastSequence);
        Assert.Contains("code 4", checkpoint.LastError, StringComparison.Ordinal);
        var status = await app.App.GetRequiredService<SiemSettingsStore>().StatusAsync(admin);
        var splunk = status.Single(s => s.Settings.Sink == SiemSinks.Splunk);
        Assert.True(splunk.Lag > 0);
        Assert.DoesNotContain("wrong", splunk.Settings.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Syslog_over_tcp_loses_nothing_when_the_receiver_restarts_mid_stream()
    {
        using var receiver = new SyslogReceiver();
        receiver.Start(0);
        var port = receiver.Port;
        var admin = await app.ForAsync(await app.CreateUserAsync("siem-admin3@test", Roles.EmmAdmin));
        await app.App.GetRequiredService<SiemSettingsStore>().SaveAsync(admin,
            new SiemSinkSettings { Sink = SiemSinks.Syslog, Enabled = true, Host = "127.0.0.1", Port = port, Protocol = "tcp", AppName = "masque-test" }, null);
        var forwarder = app.App.GetRequiredService<SiemForwarder>();
        var audit = app.App.GetRequiredService<IAuditLog>();
        for (var i = 0; i < 12; i++)
        {
            await audit.RecordAsync(AuditActor.System, "test.event", $"before:{i}");
        }

        await DrainAsync(forwarder);
        var firstHead = await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence));
        Assert.Equal(firstHead, (await CheckpointAsync(SiemSinks.Syslog)).LastSequence);

        // The receiver crashes with a batch in flight (taken off the wire, never written down), goes away while
        // events keep coming, and comes back on the same port.
        receiver.Crashing = true;
        for (var i = 0; i < 5; i++)
        {
            await audit.RecordAsync(AuditActor.System, "test.event", $"in-flight:{i}");
        }

        await forwarder.ForwardOnceAsync();
        await Task.Delay(50);
        receiver.Stop();
        for (var i = 0; i < 9; i++)
        {
            await audit.RecordAsync(AuditActor.System, "test.event", $"during:{i}");
            await forwarder.ForwardOnceAsync();
            app.Time.Advance(TimeSpan.FromMinutes(2));
        }

        using var restarted = new SyslogReceiver();
        restarted.Start(port);
        await DrainAsync(forwarder);
        var head = await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence));
        Assert.Equal(head, (await CheckpointAsync(SiemSinks.Syslog)).LastSequence);
        await restarted.WaitForAsync(head);
        var all = receiver.Sequences.Concat(restarted.Sequences).ToHashSet();
        Assert.All(Enumerable.Range(1, (int)head), s => Assert.Contains((long)s, all)); // nothing lost; duplicates allowed
        Assert.All(restarted.Messages, m => Assert.StartsWith("<", m, StringComparison.Ordinal));
        restarted.Stop();

        async Task DrainAsync(SiemForwarder f)
        {
            for (var round = 0; round < 50; round++)
            {
                await f.ForwardOnceAsync();
                app.Time.Advance(TimeSpan.FromMinutes(2));
                await Task.Delay(20); // let the receiver read and the socket state settle
                if ((await CheckpointAsync(SiemSinks.Syslog)).LastSequence == await app.WithDbAsync(db => db.AuditEvents.MaxAsync(e => e.Sequence)))
                {
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task Settings_are_validated_audited_and_only_emm_administrators_change_them()
    {
        var store = app.App.GetRequiredService<SiemSettingsStore>();
        var admin = await app.ForAsync(await app.CreateUserAsync("siem-admin4@test", Roles.EmmAdmin));
        var auditor = await app.ForAsync(await app.CreateUserAsync("siem-auditor@test", Roles.Auditor));
        var developer = await app.ForAsync(await app.CreateUserAsync("siem-dev@test", Roles.Developer));
        var settings = new SiemSinkSettings { Sink = SiemSinks.Syslog, Enabled = true, Host = "127.0.0.1", Port = 6514, Protocol = "tcp" };

        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => store.SaveAsync(auditor, settings, null))).Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => store.StatusAsync(developer))).Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => store.SendTestEventAsync(auditor, null))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Assert.ThrowsAsync<DomainException>(() => store.SaveAsync(admin, new SiemSinkSettings { Sink = SiemSinks.Syslog, Enabled = true, Host = "", Port = 0, Protocol = "tcp" }, null))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Assert.ThrowsAsync<DomainException>(() => store.SaveAsync(admin, new SiemSinkSettings { Sink = SiemSinks.Splunk, Enabled = true, Url = "ftp://x", Token = "t" }, null))).Kind);

        await store.SaveAsync(admin, settings, "10.0.0.9");
        await store.SendTestEventAsync(admin, "10.0.0.9");
        var actions = await app.WithDbAsync(db => db.AuditEvents.Select(e => e.Action).ToListAsync());
        Assert.Contains(SiemSettingsStore.Updated, actions);
        Assert.Contains(SiemSettingsStore.TestEvent, actions);
        Assert.Equal(2, (await store.StatusAsync(auditor)).Count);
    }

    [Theory]
    [InlineData(Roles.EmmAdmin, HttpStatusCode.OK)]
    [InlineData(Roles.Auditor, HttpStatusCode.OK)]
    [InlineData(Roles.Developer, HttpStatusCode.Forbidden)]
    [InlineData(Roles.SecurityReviewer, HttpStatusCode.Forbidden)]
    public async Task The_siem_page_answers_by_role(string role, HttpStatusCode expected)
    {
        await app.CreateUserAsync($"{role}@siem-page.test", role);
        using var client = await app.SignInAsync($"{role}@siem-page.test");
        Assert.Equal(expected, (await client.GetAsync("admin/siem")).StatusCode);
    }

    private Task<SiemCheckpoint> CheckpointAsync(string sink = SiemSinks.Splunk) =>
        app.WithDbAsync(async db => await db.SiemCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.Sink == sink) ?? new SiemCheckpoint { Sink = sink });

    /// <summary>An HTTP Event Collector on 127.0.0.1 implementing the documented request and responses.</summary>
    private sealed class FakeHec : IAsyncDisposable
    {
        private readonly WebApplication web;

        private FakeHec(WebApplication web, string url) => (this.web, Url) = (web, url);

        public string Url { get; }

        public int Status { get; set; } = 200;

        public string? RejectTarget { get; set; }

        public ConcurrentQueue<string> Authorizations { get; } = new();

        public List<long> Sequences { get; } = [];

        public static async Task<FakeHec> StartAsync(string token)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var web = builder.Build();
            FakeHec? self = null;
            web.MapPost("/services/collector/event", async (HttpContext http) =>
            {
                var hec = self!;
                var auth = http.Request.Headers.Authorization.ToString();
                hec.Authorizations.Enqueue(auth);
                if (auth != $"Splunk {token}")
                {
                    return Results.Json(new { text = "Invalid token", code = 4 }, statusCode: 403);
                }

                if (hec.Status != 200)
                {
                    return Results.Json(new { text = "Server is busy", code = 9 }, statusCode: hec.Status);
                }

                using var reader = new StreamReader(http.Request.Body);
                var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < lines.Length; i++)
                {
                    var e = JsonDocument.Parse(lines[i]).RootElement.GetProperty("event");
                    if (hec.RejectTarget is not null && e.GetProperty("target").GetString() == hec.RejectTarget)
                    {
                        return Results.Json(new Dictionary<string, object> { ["text"] = "Invalid data format", ["code"] = 6, ["invalid-event-number"] = i }, statusCode: 400);
                    }

                    lock (hec.Sequences)
                    {
                        hec.Sequences.Add(e.GetProperty("sequence").GetInt64());
                    }
                }

                return Results.Json(new { text = "Success", code = 0 });
            });
            await web.StartAsync();
            var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new FakeHec(web, address);
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await web.StopAsync();
            await web.DisposeAsync();
        }
    }

    /// <summary>A syslog receiver on 127.0.0.1 reading octet-counted frames (RFC 6587).</summary>
    private sealed class SyslogReceiver : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private TcpListener? listener;

        public int Port { get; private set; }

        /// <summary>While set, what arrives is read and dropped, as a receiver that crashes before writing it down.</summary>
        public volatile bool Crashing;

        public ConcurrentQueue<string> Messages { get; } = new();

        public IEnumerable<long> Sequences => Messages.Select(m => long.Parse(Regex.Match(m, "seq=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        public void Start(int port)
        {
            listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    _ = Task.Run(() => ReadAsync(client));
                }
            });
        }

        public void Stop()
        {
            stop.Cancel();
            listener?.Stop();
            listener?.Dispose();
        }

        public void Dispose()
        {
            Stop();
            stop.Dispose();
        }

        public async Task WaitForAsync(long sequence)
        {
            for (var i = 0; i < 200 && !Sequences.Contains(sequence); i++)
            {
                await Task.Delay(25);
            }
        }

        private async Task ReadAsync(TcpClient client)
        {
            using (client)
            using (stop.Token.Register(client.Dispose))
            {
                var stream = client.GetStream();
                var buffer = new List<byte>();
                var chunk = new byte[8192];
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(chunk, stop.Token)) > 0)
                    {
                        if (Crashing)
                        {
                            continue;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read));
                        while (true)
                        {
                            var space = buffer.IndexOf((byte)' ');
                            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(buffer.GetRange(0, space).ToArray()), out var length) || buffer.Count < space + 1 + length)
                            {
                                break;
                            }

                            Messages.Enqueue(Encoding.UTF8.GetString(buffer.GetRange(space + 1, length).ToArray()));
                            buffer.RemoveRange(0, space + 1 + length);
                        }
                    }
                }
                catch (Exception)
                {
                    // The receiver stopped: whatever was not read is lost, as with a real receiver going down.
                }
            }
        }
    }
}
