using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Apps;

/// <summary>
/// Rescans the submissions a catalog or signer change could affect (PRODUCT.md §4: only those, not everything),
/// keeping their decisions: the worker restores each one's status, except that an approved build whose verdict
/// got worse goes back to review.
/// </summary>
public sealed class Reevaluation(IAuditLog audit, ScanQueue queue, SubmissionNotifier notifier, TimeProvider time)
{
    /// <summary>Marks the affected submissions inside <paramref name="db"/>'s transaction; enqueue the ids after it commits.</summary>
    public async Task<IReadOnlyList<Guid>> MarkAsync(MasqueDbContext db, IQueryable<Submission> affected, AuditActor actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var submissions = await affected
            .Where(s => s.Status == SubmissionStatus.Scanned || s.Status == SubmissionStatus.Approved || s.Status == SubmissionStatus.Rejected)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var s in submissions)
        {
            s.StatusBeforeRescan = s.Status;
            s.Status = SubmissionStatus.Queued;
            s.StatusChangedAtUtc = now;
            await audit.AppendAsync(db, actor, SubmissionActions.Reevaluated, SubmissionService.Target(s.Id), new { reason }, cancellationToken);
        }

        return submissions.Select(s => s.Id).ToList();
    }

    public async Task EnqueueAsync(IEnumerable<Guid> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            queue.Enqueue(id);
            await notifier.PublishAsync(new SubmissionChanged(id, SubmissionStatus.Queued));
        }
    }
}
