using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Audit.Siem;

/// <summary>
/// Forwards the audit trail to each enabled sink in sequence order (PRODUCT.md §8): batches from the sink's durable
/// checkpoint, moves the checkpoint only past what the sink accepted, retries with backoff, skips only events the
/// sink refused as malformed (counted as dead letters). A sink that was down gets everything afterwards, in order;
/// a restart resumes from the checkpoint.
/// </summary>
public sealed partial class SiemForwarder(
    IDbContextFactory<MasqueDbContext> contexts,
    SiemSettingsStore settings,
    SplunkHecSink splunk,
    SyslogSink syslog,
    IOptions<SiemOptions> options,
    TimeProvider time,
    Quartz.ISchedulerFactory schedulers,
    ILogger<SiemForwarder> logger) : IDisposable
{
    private readonly Dictionary<string, DateTimeOffset> notBefore = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim round = new(1, 1);

    public void Dispose() => round.Dispose();

    /// <summary>Asks for a run now (a test event, a settings change) instead of at the next poll, on whichever instance the scheduler picks.</summary>
    public async Task KickAsync() =>
        await (await schedulers.GetScheduler()).TriggerJob(Infrastructure.Hosting.Scheduling.KeyOf<Infrastructure.Hosting.SiemForwardingJob>());

    /// <summary>One round: every enabled sink gets at most one batch. Returns the events accepted. Public for tests.</summary>
    public async Task<int> ForwardOnceAsync(CancellationToken cancellationToken = default)
    {
        await round.WaitAsync(cancellationToken);
        try
        {
            var accepted = 0;
            foreach (var sink in SiemSinks.All)
            {
                var config = await settings.GetAsync(sink, cancellationToken);
                if (!config.Enabled || !SiemSettingsStore.IsComplete(config))
                {
                    continue;
                }

                if (notBefore.TryGetValue(sink, out var wait) && time.GetUtcNow() < wait)
                {
                    continue;
                }

                accepted += await ForwardAsync(sink, config, cancellationToken);
            }

            return accepted;
        }
        finally
        {
            round.Release();
        }
    }

    private async Task<int> ForwardAsync(string sink, SiemSinkSettings config, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var checkpoint = await db.SiemCheckpoints.SingleOrDefaultAsync(c => c.Sink == sink, cancellationToken);
        if (checkpoint is null)
        {
            checkpoint = new SiemCheckpoint { Sink = sink };
            db.SiemCheckpoints.Add(checkpoint);
        }

        var after = checkpoint.LastSequence;
        var batch = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence)
            .Take(Math.Clamp(options.Value.BatchSize, 1, 10_000)).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var result = sink == SiemSinks.Splunk
            ? await splunk.SendAsync(config, batch, cancellationToken)
            : await syslog.SendAsync(config, batch, cancellationToken);
        var now = time.GetUtcNow();
        var moved = Math.Clamp(result.Accepted, 0, batch.Count);
        if (result.DeadLetter && moved < batch.Count)
        {
            moved++; // the sink refused this one as malformed: skip it, count it, go on
            checkpoint.DeadLetters++;
        }

        if (moved > 0)
        {
            checkpoint.LastSequence = batch[moved - 1].Sequence;
            checkpoint.LastSuccessAtUtc = now.UtcDateTime;
        }

        if (result.Error is null || result.DeadLetter)
        {
            // A dead letter is the event's fault, not the sink's: note it and go on without backing off.
            checkpoint.ConsecutiveFailures = 0;
            notBefore.Remove(sink);
            if (result.DeadLetter)
            {
                checkpoint.LastError = $"Event {batch[moved - 1].Sequence} refused as malformed and skipped: {result.Error}";
                checkpoint.LastErrorAtUtc = now.UtcDateTime;
            }
        }
        else
        {
            checkpoint.ConsecutiveFailures++;
            checkpoint.LastError = result.Error.Length > 1000 ? result.Error[..1000] : result.Error;
            checkpoint.LastErrorAtUtc = now.UtcDateTime;
            var backoff = TimeSpan.FromSeconds(Math.Min(options.Value.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(checkpoint.ConsecutiveFailures, 16))));
            notBefore[sink] = now + backoff;
            LogFailure(logger, sink, result.Error);
        }

        await db.SaveChangesAsync(cancellationToken);
        return moved;
    }

    /// <summary>Lets a failing sink be tried again at once (after its settings changed).</summary>
    public void ResetBackoff(string sink) => notBefore.Remove(sink);

    /// <summary>
    /// One scheduled run (every <c>Siem:PollInterval</c>, on one instance of the cluster): forwards until the sinks
    /// caught up or refuse, so a backlog drains without waiting for the next run.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await ForwardOnceAsync(cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRoundFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIEM sink {Sink} refused or unreachable: {Error}")]
    private static partial void LogFailure(ILogger logger, string sink, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "SIEM forwarding round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
