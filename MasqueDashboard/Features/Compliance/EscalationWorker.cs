using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// Runs the escalation ladders and the overdue check-in rule between check-ins (PRODUCT.md §7): every
/// <see cref="FleetOptions.EscalationInterval"/> of <see cref="TimeProvider"/> time, it re-evaluates the devices
/// with a ladder step due and the devices that stopped checking in, and expires the approvals nobody decided on.
/// </summary>
public sealed partial class EscalationWorker(IDbContextFactory<MasqueDbContext> contexts, FleetCache cache, FleetReevaluation fleet, ComplianceEngine engine, ApprovalExpiry approvals,
    TimeProvider time, ILogger<EscalationWorker> logger)
{
    /// <summary>One sweep: expired approvals denied, the devices with a step due or an overdue check-in re-evaluated. Public for tests.</summary>
    public async Task<ReevaluationResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var expired = await approvals.ExpireAsync(cancellationToken);
        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        var state = await cache.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var due = new HashSet<long>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            foreach (var policy in state.Policies.Policies)
            {
                for (var step = 1; step < policy.Ladder.Count; step++)
                {
                    var since = now - policy.Ladder[step].After;
                    var id = policy.Id;
                    var applied = step;
                    due.UnionWith(await db.DeviceViolations.AsNoTracking()
                        .Where(v => v.PolicyId == id && v.StepsApplied == applied && v.SinceUtc <= since)
                        .Select(v => v.DeviceId).ToListAsync(cancellationToken));
                }
            }

            if (state.Policies.CheckInWithin is { } within)
            {
                var cutoff = now - within;
                due.UnionWith(await db.Devices.AsNoTracking()
                    .Where(d => d.LastCheckInAtUtc != null && d.LastCheckInAtUtc < cutoff
                        && !db.DeviceViolations.Any(v => v.DeviceId == d.Id && v.RuleId == ViolationIds.CheckInOverdue))
                    .Select(d => d.Id).ToListAsync(cancellationToken));
            }
        }

        var result = await fleet.ReevaluateAsync(due, cancellationToken);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await engine.SnapshotStatesAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>One scheduled run (<c>Fleet:EscalationInterval</c>, on one instance of the cluster): the sweep, logged.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await SweepAsync(cancellationToken);
            if (result.Changed > 0)
            {
                LogSwept(logger, result.Changed, result.Evaluated);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation sweep: {Changed} of {Evaluated} devices changed")]
    private static partial void LogSwept(ILogger logger, int changed, int evaluated);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} full-wipe request(s) or held batch(es) expired as denied")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Escalation sweep failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
