namespace MasqueDashboard.Infrastructure;

/// <summary>
/// Pushes changes to the interactive pages that watch them (no polling), on this instance and, through the
/// <see cref="ClusterBus"/>, on every other. The publisher does not wait for the pages: each page refreshes on its own
/// circuit, and one slow or broken page never holds up the others or the work that made the change.
/// </summary>
public partial class ChangeNotifier<TChange>
{
    private readonly ILogger logger;
    private readonly ClusterBus bus;

    public ChangeNotifier(ILogger logger, ClusterBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        this.logger = logger;
        this.bus = bus;
        bus.Subscribe(typeof(TChange).Name, payload =>
        {
            if (System.Text.Json.JsonSerializer.Deserialize<TChange>(payload) is { } change)
            {
                Raise(change);
            }
        });
    }

    public event Func<TChange, Task>? Changed;

    public Task PublishAsync(TChange change)
    {
        Raise(change);
        bus.Publish(typeof(TChange).Name, System.Text.Json.JsonSerializer.Serialize(change));
        return Task.CompletedTask;
    }

    private void Raise(TChange change)
    {
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<TChange, Task>>())
            {
                _ = NotifyAsync(handler, change);
            }
        }
    }

    private async Task NotifyAsync(Func<TChange, Task> handler, TChange change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception e)
        {
            ChangeNotifierLog.HandlerFailed(logger, e, typeof(TChange).Name, change);
        }
    }
}

internal static partial class ChangeNotifierLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "A page failed to refresh after a change ({Kind}: {Change})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string kind, object? change);
}
