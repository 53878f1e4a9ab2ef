namespace MasqueDashboard.Infrastructure;

/// <summary>
/// Pushes changes to the interactive pages that watch them (no polling). The publisher does not wait for the pages:
/// each page refreshes on its own circuit, and one slow or broken page never holds up the others or the work that
/// made the change.
/// </summary>
public partial class ChangeNotifier<TChange>(ILogger logger)
{
    public event Func<TChange, Task>? Changed;

    public Task PublishAsync(TChange change)
    {
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<TChange, Task>>())
            {
                _ = NotifyAsync(handler, change);
            }
        }

        return Task.CompletedTask;
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
