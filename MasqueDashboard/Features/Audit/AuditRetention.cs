using System.Text.Json;
using MasqueDashboard.Features.Audit.Siem;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Audit;

/// <summary>The <c>Audit</c> configuration section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    public RetentionOptions Retention { get; set; } = new();
}

public sealed class RetentionOptions
{
    /// <summary>Events older than this many days are pruned; 0 (the default) keeps everything.</summary>
    public int Days { get; set; }

    /// <summary>How often pruning runs when it is on.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>
/// Where a pruned trail now starts: the sequence and hash of the last pruned event. Verification starts from the
/// latest anchor, and the anchor is attested by the <c>audit.pruned</c> event appended after it, so a forged anchor
/// (or a deleted beginning without one) is caught.
/// </summary>
public sealed class AuditAnchor
{
    public long Sequence { get; set; }

    public required string Hash { get; set; }

    public DateTime PrunedAtUtc { get; set; }

    public long PrunedCount { get; set; }
}

/// <param name="Pruned">Events removed.</param>
/// <param name="ThroughSequence">The new anchor's sequence (the last event removed), 0 when nothing was pruned.</param>
public sealed record PruneResult(long Pruned, long ThroughSequence);

/// <summary>
/// Retention (PRODUCT.md §8, default keep everything): removes the oldest events — a prefix of the chain, never a
/// hole — that are past <see cref="RetentionOptions.Days"/> and already accepted by every enabled SIEM sink, records
/// the anchor and attests it with an <c>audit.pruned</c> event, in one transaction.
/// </summary>
public sealed partial class AuditRetention(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, SiemSettingsStore siem, IOptions<AuditOptions> options,
    TimeProvider time, ILogger<AuditRetention> logger)
{
    public const string Pruned = "audit.pruned";

    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var days = options.Value.Retention.Days;
        if (days <= 0)
        {
            return new PruneResult(0, 0);
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var firstKept = await db.AuditEvents.AsNoTracking().Where(e => e.OccurredAtUtc >= cutoff).MinAsync(e => (long?)e.Sequence, cancellationToken);
        var head = await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var through = (firstKept ?? head + 1) - 1;

        // Never prune what an enabled SIEM sink has not taken yet.
        foreach (var sink in SiemSinks.All)
        {
            if ((await siem.GetAsync(sink, cancellationToken)).Enabled)
            {
                var checkpoint = await db.SiemCheckpoints.AsNoTracking().Where(c => c.Sink == sink).Select(c => (long?)c.LastSequence).SingleOrDefaultAsync(cancellationToken) ?? 0;
                through = Math.Min(through, checkpoint);
            }
        }

        // Keep at least the newest event, so the chain always has a head to append to.
        through = Math.Min(through, head - 1);
        var anchor = await db.AuditAnchors.AsNoTracking().OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (through <= (anchor?.Sequence ?? 0))
        {
            return new PruneResult(0, 0);
        }

        var last = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Sequence == through, cancellationToken);
        var count = await db.AuditEvents.Where(e => e.Sequence <= through).ExecuteDeleteAsync(cancellationToken);
        db.AuditAnchors.Add(new AuditAnchor { Sequence = through, Hash = last.Hash, PrunedAtUtc = time.GetUtcNow().UtcDateTime, PrunedCount = count });
        await audit.AppendAsync(db, AuditActor.System, Pruned, "audit-trail", new { throughSequence = through, anchorHash = last.Hash, count, olderThanDays = days }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPruned(logger, count, through);
        return new PruneResult(count, through);
    }

    /// <summary>True when an <c>audit.pruned</c> event in the trail names this anchor.</summary>
    public static async Task<bool> IsAttestedAsync(MasqueDbContext db, AuditAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(anchor);
        var attestations = await db.AuditEvents.AsNoTracking().Where(e => e.Action == Pruned && e.Sequence > anchor.Sequence).Select(e => e.Details).ToListAsync(cancellationToken);
        return attestations.Any(details =>
        {
            using var json = JsonDocument.Parse(details);
            return json.RootElement.TryGetProperty("throughSequence", out var s) && s.GetInt64() == anchor.Sequence
                && json.RootElement.TryGetProperty("anchorHash", out var h) && h.GetString() == anchor.Hash;
        });
    }

    /// <summary>One scheduled run (<c>Audit:Retention:Interval</c>, on one instance of the cluster), logged.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PruneAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention pruned {Count} events through sequence {Through}")]
    private static partial void LogPruned(ILogger logger, int count, long through);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit retention failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
