using System.Threading.Channels;

namespace MasqueDashboard.Features.Apps;

/// <summary>
/// Submission ids waiting for the scan worker. Only ids travel here; the status lives in the database, so a
/// restart loses nothing (<see cref="ScanWorker"/> re-enqueues what was queued or interrupted).
/// </summary>
public sealed class ScanQueue
{
    private readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid submissionId) => channel.Writer.TryWrite(submissionId);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>A submission's status changed; open pages refresh from this.</summary>
public sealed record SubmissionChanged(Guid SubmissionId, SubmissionStatus Status);

/// <summary>
/// Pushes status changes to the interactive pages that watch them (no polling). The publisher (an upload, the
/// scan worker) does not wait for the pages: each page refreshes on its own circuit, and one slow or broken
/// page never holds up the others or the work that changed the status.
/// </summary>
public sealed partial class SubmissionNotifier(ILogger<SubmissionNotifier> logger)
{
    public event Func<SubmissionChanged, Task>? Changed;

    public Task PublishAsync(SubmissionChanged change)
    {
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<SubmissionChanged, Task>>())
            {
                _ = NotifyAsync(handler, change);
            }
        }

        return Task.CompletedTask;
    }

    private async Task NotifyAsync(Func<SubmissionChanged, Task> handler, SubmissionChanged change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, change.SubmissionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A page failed to refresh after submission {SubmissionId} changed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, Guid submissionId);
}
