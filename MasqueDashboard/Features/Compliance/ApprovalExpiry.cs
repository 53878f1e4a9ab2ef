using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// Approvals that people notice also end (PRODUCT.md §7): a full-wipe request or a held batch nobody decided on within
/// <see cref="FleetOptions.ApprovalExpiry"/> expires as denied — the wipe is not sent, the held commands are dropped —
/// each expiry an audit event. Run by the <see cref="EscalationWorker"/>'s sweep.
/// </summary>
public sealed class ApprovalExpiry(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, FleetNotifier notifier, IOptions<FleetOptions> options, TimeProvider time)
{
    public const int MaxPerSweep = 1_000;

    /// <summary>Expires what is due; returns how many requests and batches expired.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expiry = options.Value.ApprovalExpiry;
        var cutoff = now - expiry;
        var comment = $"Expired: nobody decided within {FleetDisplay.Duration(expiry)}.";
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var wipes = await db.FullWipeRequests.Where(w => w.Status == FullWipeStatus.Pending && w.RequestedAtUtc <= cutoff)
            .OrderBy(w => w.RequestedAtUtc).Take(MaxPerSweep).ToListAsync(cancellationToken);
        foreach (var wipe in wipes)
        {
            (wipe.Status, wipe.DecidedBy, wipe.DecidedAtUtc, wipe.DecisionComment) = (FullWipeStatus.Denied, AuditActor.System.Name, now, comment);
            await audit.AppendAsync(db, AuditActor.System, FleetActions.WipeExpired, FleetActions.Target(wipe.DeviceId),
                new { request = wipe.Id, requestedBy = wipe.RequestedBy, requestedAt = wipe.RequestedAtUtc, expiry = expiry.ToString() }, cancellationToken);
        }

        var batches = await db.HeldBatches.Where(b => b.Status == HeldBatchStatus.Pending && b.HeldAtUtc <= cutoff)
            .OrderBy(b => b.HeldAtUtc).Take(MaxPerSweep).ToListAsync(cancellationToken);
        foreach (var batch in batches)
        {
            (batch.Status, batch.DecidedBy, batch.DecidedAtUtc, batch.DecisionComment) = (HeldBatchStatus.Expired, AuditActor.System.Name, now, comment);
            await audit.AppendAsync(db, AuditActor.System, FleetActions.BatchExpired, FleetActions.BatchTarget(batch.Id),
                new { batch = batch.Id, rules = batch.RuleIds, devices = batch.DeviceCount, commands = batch.CommandCount, heldAt = batch.HeldAtUtc, expiry = expiry.ToString() },
                cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (wipes.Count + batches.Count > 0)
        {
            notifier.Publish();
        }

        return wipes.Count + batches.Count;
    }
}
