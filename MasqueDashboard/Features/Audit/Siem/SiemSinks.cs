using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace MasqueDashboard.Features.Audit.Siem;

/// <summary>Splunk HTTP Event Collector (DOMAIN.md §7.1): one POST per batch, the response code decides what happens.</summary>
public sealed class SplunkHecSink(IHttpClientFactory clients)
{
    public const string HttpClientName = "siem-splunk";
    private static readonly string Channel = Guid.NewGuid().ToString();

    public async Task<SinkResult> SendAsync(SiemSinkSettings settings, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(events);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.Url!.TrimEnd('/') + "/"), "services/collector/event"))
        {
            Content = new ByteArrayContent(SiemFormats.HecBody(events, Environment.MachineName, settings.SourceType, settings.Index)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Splunk", settings.Token);
        request.Headers.Add("X-Splunk-Request-Channel", Channel);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new SinkResult(0, Error: $"Splunk unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SinkResult(0, Error: "Splunk did not answer in time.");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return new SinkResult(events.Count);
            }

            var (code, text, invalid) = await ReadErrorAsync(response, cancellationToken);
            var error = $"Splunk answered {(int)response.StatusCode} (code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: {text})";
            // Events before the invalid one may be in: resend from it. Malformed events (6, 12, 13) are dead letters.
            return code is 6 or 12 or 13 && invalid is { } bad && bad < events.Count
                ? new SinkResult(bad, DeadLetter: true, Error: error)
                : new SinkResult(invalid is { } at && at < events.Count && (int)response.StatusCode == 400 ? at : 0, Error: error);
        }
    }

    private static async Task<(int? Code, string Text, int? InvalidEvent)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = json.RootElement;
            return (root.TryGetProperty("code", out var c) && c.TryGetInt32(out var code) ? code : null,
                root.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "",
                root.TryGetProperty("invalid-event-number", out var i) && i.TryGetInt32(out var n) ? n : null);
        }
        catch (JsonException)
        {
            return (null, response.ReasonPhrase ?? "", null);
        }
    }
}

/// <summary>
/// Syslog RFC 5424 over TCP (octet-counted framing, RFC 6587) or UDP (RFC 5426). TCP has no acknowledgement, so a
/// batch counts as accepted only once the connection is seen alive after it was written (at the next round): a
/// receiver that went away gets the unconfirmed events again on a new connection — at least once, never lost.
/// </summary>
public sealed class SyslogSink : IAsyncDisposable
{
    private readonly Lock gate = new();
    private TcpClient? tcp;
    private string? connectedTo;
    private long writtenUpTo;

    public async Task<SinkResult> SendAsync(SiemSinkSettings settings, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(events);
        var app = string.IsNullOrWhiteSpace(settings.AppName) ? "masque-dashboard" : settings.AppName;
        try
        {
            if (string.Equals(settings.Protocol, "udp", StringComparison.OrdinalIgnoreCase))
            {
                using var udp = new UdpClient();
                foreach (var e in events)
                {
                    await udp.SendAsync(SiemFormats.Syslog(e, Environment.MachineName, app), settings.Host!, settings.Port ?? 514, cancellationToken);
                }

                return new SinkResult(events.Count);
            }

            var target = $"{settings.Host}:{settings.Port}";
            if (tcp is null || connectedTo != target || !Alive(tcp))
            {
                Reset();
                tcp = new TcpClient { NoDelay = true };
                using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connect.CancelAfter(TimeSpan.FromSeconds(10));
                await tcp.ConnectAsync(settings.Host!, settings.Port ?? 514, connect.Token);
                connectedTo = target;
                writtenUpTo = events.Count > 0 ? events[0].Sequence - 1 : 0; // nothing is on this connection yet
            }

            // What was written on this connection and found it still alive now is delivered.
            var confirmed = events.TakeWhile(e => e.Sequence <= writtenUpTo).Count();
            var stream = tcp.GetStream();
            foreach (var e in events.Skip(confirmed))
            {
                await stream.WriteAsync(SiemFormats.OctetCounted(SiemFormats.Syslog(e, Environment.MachineName, app)), cancellationToken);
                writtenUpTo = e.Sequence;
            }

            await stream.FlushAsync(cancellationToken);
            return new SinkResult(confirmed, Error: null);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Reset();
            return new SinkResult(0, Error: $"Syslog receiver unreachable: {e.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Reset();
        return ValueTask.CompletedTask;
    }

    /// <summary>A peer that closed or reset the connection makes the socket readable with nothing to read.</summary>
    private static bool Alive(TcpClient client)
    {
        try
        {
            var socket = client.Client;
            return socket.Connected && !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private void Reset()
    {
        lock (gate)
        {
            tcp?.Dispose();
            tcp = null;
            connectedTo = null;
            writtenUpTo = 0;
        }
    }
}
