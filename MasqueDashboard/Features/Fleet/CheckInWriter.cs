using System.Threading.Channels;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Fleet;

/// <summary>
/// Applies check-ins through one writer with group commit: SQLite has one writer at a time (and PostgreSQL one writer
/// lock, <c>PostgresWriterLock</c>), so check-ins that arrive together are applied in one transaction and one commit,
/// in arrival order, instead of each waiting on the lock (<c>Fleet:CheckInBatch</c>, 64 by default; 1 turns grouping off). A batch that fails is rolled back and its check-ins retried one by one, so one bad check-in
/// never takes others down with it. Nothing is answered before its transaction committed.
/// </summary>
public sealed class CheckInWriter : IAsyncDisposable
{
    private readonly int maxBatch;
    private readonly Channel<Work> queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(4_096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly IDbContextFactory<MasqueDbContext> contexts;
    private readonly FleetCache cache;
    private readonly Task loop;

    public CheckInWriter(IDbContextFactory<MasqueDbContext> contexts, FleetCache cache, Microsoft.Extensions.Options.IOptions<FleetOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        maxBatch = options.Value.CheckInBatch;
        this.contexts = contexts;
        this.cache = cache;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Runs <paramref name="apply"/> inside the writer's transaction, with the fleet's state as that transaction sees it
    /// (read once per batch), and returns its result once committed.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<MasqueDbContext, FleetState, Task<T>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var work = new Work(async (db, state) => await apply(db, state));
        await queue.Writer.WriteAsync(work, cancellationToken);
        return (T)(await work.Completion.Task)!;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private sealed record Work(Func<MasqueDbContext, FleetState, Task<object?>> Apply)
    {
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task RunAsync()
    {
        var batch = new List<Work>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
            }

            if (!await TryBatchAsync(batch))
            {
                foreach (var work in batch)
                {
                    await TryBatchAsync([work], alone: true);
                }
            }
        }
    }

    private async Task<bool> TryBatchAsync(List<Work> batch, bool alone = false)
    {
        var results = new object?[batch.Count];
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync();
            // One stamp read for the batch, in its transaction: a change committed before it is applied to all of it.
            var state = await cache.GetAsync(db);
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = await batch[i].Apply(db, state);
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
#pragma warning disable CA1031 // the failure belongs to the check-in(s) that caused it, answered below
        catch (Exception e)
#pragma warning restore CA1031
        {
            cache.ForgetBuilds(); // builds remembered inside the rolled-back transaction do not exist
            if (!alone)
            {
                return false;
            }

            batch[0].Completion.TrySetException(e);
            return true;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }

        return true;
    }
}
