using System.Threading.Channels;
using MasqueDashboard.Infrastructure;

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

/// <summary>Pushes submission status changes (an upload, a scan, a decision) to the pages that watch them.</summary>
public sealed class SubmissionNotifier(ILogger<SubmissionNotifier> logger, ClusterBus bus) : ChangeNotifier<SubmissionChanged>(logger, bus);
