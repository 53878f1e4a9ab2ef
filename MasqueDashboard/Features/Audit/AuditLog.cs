using System.Text.Json;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit;

/// <summary>The audit trail every feature writes to (PRODUCT.md §8).</summary>
public interface IAuditLog
{
    /// <summary>
    /// Adds an event to <paramref name="db"/> inside its open transaction, chained to the current head,
    /// so the event commits or rolls back with the change it records. The caller saves and commits.
    /// </summary>
    Task<AuditEvent> AppendAsync(MasqueDbContext db, AuditActor actor, string action, string? target, object? details = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="AppendAsync"/>, dated <paramref name="occurredAt"/>: for demo and synthetic history only.</summary>
    Task<AuditEvent> AppendHistoricAsync(MasqueDbContext db, AuditActor actor, string action, string? target, object? details, DateTimeOffset occurredAt, CancellationToken cancellationToken = default);

    /// <summary>Records an event that accompanies no other change (a sign-in, an export) in its own transaction.</summary>
    Task<AuditEvent> RecordAsync(AuditActor actor, string action, string? target, object? details = null, CancellationToken cancellationToken = default);

    /// <summary>Recomputes the whole chain and names the first altered or missing event.</summary>
    Task<AuditVerification> VerifyAsync(IProgress<AuditVerificationProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <param name="IsIntact">True when every event hashes to its stored hash and links to its predecessor.</param>
/// <param name="EventCount">Events checked.</param>
/// <param name="HeadSequence">Sequence of the last event (0 when the trail is empty).</param>
/// <param name="HeadHash">Hash of the last event: compare it with the head recorded in an earlier export.</param>
/// <param name="FirstBrokenSequence">The first altered or missing event, when the chain is broken.</param>
/// <param name="Problem">What is wrong with it, in words.</param>
public sealed record AuditVerification(bool IsIntact, long EventCount, long HeadSequence, string HeadHash, long? FirstBrokenSequence, string? Problem);

public sealed record AuditVerificationProgress(long Checked, long Total);

internal sealed class AuditLog(IDbContextFactory<MasqueDbContext> contexts, TimeProvider time) : IAuditLog
{
    private const int VerifyBatchSize = 5_000;

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MasqueDbContext, AuditEvent> LastAppended = new();

    public Task<AuditEvent> AppendAsync(MasqueDbContext db, AuditActor actor, string action, string? target, object? details = null, CancellationToken cancellationToken = default) =>
        AppendHistoricAsync(db, actor, action, target, details, time.GetUtcNow(), cancellationToken);

    public async Task<AuditEvent> AppendHistoricAsync(MasqueDbContext db, AuditActor actor, string action, string? target, object? details, DateTimeOffset occurredAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        if (db.Database.CurrentTransaction is null)
        {
            // Without a transaction two writers could read the same head and fork the chain; SQLite's
            // transactions take the write lock at BEGIN, so reading the head inside one is safe.
            throw new InvalidOperationException("Audit events are appended inside the transaction of the change they record.");
        }

        var (lastSequence, lastHash) = await ReadHeadAsync(db, cancellationToken);
        var e = new AuditEvent
        {
            Sequence = lastSequence + 1,
            OccurredAtUtc = AuditChain.ToStoredTime(occurredAt),
            Actor = Truncate(actor.Name, 256),
            ActorId = actor.UserId,
            Action = action,
            Target = target is null ? null : Truncate(target, 512),
            Details = details is null ? "{}" : JsonSerializer.Serialize(details, DetailsJson),
            ClientIp = actor.ClientIp,
            PreviousHash = lastHash,
            Hash = "",
        };
        e.Hash = AuditChain.ComputeHash(lastHash, e);
        db.AuditEvents.Add(e);
        LastAppended.AddOrUpdate(db, e);
        return e;
    }

    public async Task<AuditEvent> RecordAsync(AuditActor actor, string action, string? target, object? details = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var e = await AppendAsync(db, actor, action, target, details, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return e;
    }

    public async Task<AuditVerification> VerifyAsync(IProgress<AuditVerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await db.AuditEvents.LongCountAsync(cancellationToken);
        long expected = 1;
        var previousHash = AuditChain.GenesisHash;
        long checkedCount = 0;

        // A pruned trail starts after its latest anchor, which an audit.pruned event in the remaining trail must attest.
        if (await db.AuditAnchors.AsNoTracking().OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(cancellationToken) is { } anchor)
        {
            if (!await AuditRetention.IsAttestedAsync(db, anchor, cancellationToken))
            {
                return Broken(0, anchor.Sequence, anchor.Hash, anchor.Sequence + 1,
                    $"The trail starts after pruning anchor {anchor.Sequence}, but no audit.pruned event attests that anchor: the beginning was removed or the anchor forged.");
            }

            expected = anchor.Sequence + 1;
            previousHash = anchor.Hash;
        }

        while (true)
        {
            var after = expected - 1;
            var batch = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(VerifyBatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var e in batch)
            {
                if (e.Sequence != expected)
                {
                    return Broken(checkedCount, expected - 1, previousHash, expected,
                        $"Event {expected} is missing: the trail jumps from event {expected - 1} to event {e.Sequence}.");
                }

                if (!string.Equals(e.PreviousHash, previousHash, StringComparison.Ordinal))
                {
                    var culprit = Math.Max(1, e.Sequence - 1);
                    return Broken(checkedCount, e.Sequence - 1, previousHash, culprit,
                        $"Event {e.Sequence} does not link to event {e.Sequence - 1}: event {culprit} was altered or replaced.");
                }

                if (!string.Equals(AuditChain.ComputeHash(previousHash, e), e.Hash, StringComparison.Ordinal))
                {
                    return Broken(checkedCount, e.Sequence - 1, previousHash, e.Sequence,
                        $"Event {e.Sequence} ({e.Action}) was altered: its content no longer matches its hash.");
                }

                previousHash = e.Hash;
                expected++;
                checkedCount++;
            }

            progress?.Report(new AuditVerificationProgress(checkedCount, total));
        }

        return new AuditVerification(true, checkedCount, expected - 1, previousHash, null, null);
    }

    private static AuditVerification Broken(long checkedCount, long headSequence, string headHash, long first, string problem) =>
        new(false, checkedCount, headSequence, headHash, first, problem);

    private static async Task<(long Sequence, string Hash)> ReadHeadAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        // The event appended last in this context and not yet saved is the head; remembered per context so a
        // context tracking thousands of entities (a fleet re-evaluation) does not scan them for every event.
        if (LastAppended.TryGetValue(db, out var pending) && db.Entry(pending).State == EntityState.Added)
        {
            return (pending.Sequence, pending.Hash);
        }

        var head = await db.AuditEvents.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, AuditChain.GenesisHash) : (head.Sequence, head.Hash);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
