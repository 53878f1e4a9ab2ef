using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace MasqueDashboard.Infrastructure;

/// <summary>
/// Carries change notices between the instances that share one database, over Redis pub/sub when
/// <c>ConnectionStrings:Redis</c> is set (PRODUCT.md §11): a scan finished on one instance refreshes the report open on
/// another. Without Redis it carries nothing and every notice stays on its instance, as a single instance needs.
/// Notices only tell pages to refresh; what they show is read from the database, so a lost notice costs a refresh,
/// never data.
/// </summary>
public sealed partial class ClusterBus : IDisposable
{
    /// <summary>This instance among those sharing the database (scan leases, the notices it sent itself).</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private static readonly RedisChannel Channel = RedisChannel.Literal("masque:changes");
    private readonly ConcurrentDictionary<string, Action<string>> handlers = new(StringComparer.Ordinal);
    private readonly ILogger<ClusterBus> logger;

    public ClusterBus(IConfiguration configuration, ILogger<ClusterBus> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        this.logger = logger;
        if (configuration.GetConnectionString("Redis") is not { Length: > 0 } redis)
        {
            return;
        }

        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false; // start even while Redis is down; StackExchange.Redis reconnects by itself
        options.ClientName = "masque-dashboard";
        Redis = ConnectionMultiplexer.Connect(options);
        // Asynchronous, so a Redis that is down does not hold up the start; StackExchange.Redis keeps the subscription
        // and makes it again whenever the connection comes (back).
        _ = Redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Receive(message))
            .ContinueWith(t => LogSubscribeFailed(logger, t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The Redis connection, when configured (health checks read it).</summary>
    public ConnectionMultiplexer? Redis { get; }

    /// <summary>Calls <paramref name="onRemote"/> with the payload of every <paramref name="kind"/> notice another instance sends.</summary>
    public void Subscribe(string kind, Action<string> onRemote) => handlers[kind] = onRemote;

    /// <summary>Sends a notice to the other instances (fire and forget: a page refresh is never worth waiting for).</summary>
    public void Publish(string kind, string payload)
    {
        if (Redis is null)
        {
            return;
        }

        var message = JsonSerializer.Serialize(new Notice(InstanceId, kind, payload));
        Redis.GetSubscriber().Publish(Channel, message, CommandFlags.FireAndForget);
    }

    public void Dispose() => Redis?.Dispose();

    private void Receive(RedisValue message)
    {
        try
        {
            if (JsonSerializer.Deserialize<Notice>(message.ToString()) is { } notice && notice.From != InstanceId
                && handlers.TryGetValue(notice.Kind, out var handler))
            {
                handler(notice.Payload);
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            LogBadNotice(logger, e);
        }
    }

    private sealed record Notice(string From, string Kind, string Payload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not reachable yet: change notices reach the other instances once it is")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change notice from another instance could not be read")]
    private static partial void LogBadNotice(ILogger logger, Exception exception);
}
