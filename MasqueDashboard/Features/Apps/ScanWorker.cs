using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Apps;

/// <summary>
/// The durable scan queue's consumer: <c>Queued → Scanning → Scanned | Invalid | Failed</c>. A scan is claimed in a
/// writer transaction and leased to this instance (<see cref="ScannerOptions.Lease"/>), renewed while it runs; with
/// several instances on one database each scan runs on exactly one of them, and when an instance dies mid-scan another
/// takes it over once the lease ran out (the sweep below finds it), its late result, if any, refused. At start-up and
/// on every sweep it enqueues what is queued or whose lease expired; a scanner exception marks that submission Failed
/// with the reason and the worker moves on to the next.
/// </summary>
public sealed partial class ScanWorker(
    ScanQueue queue,
    IServiceScopeFactory scopes,
    Microsoft.Extensions.Options.IOptions<ScannerOptions> options,
    ClusterBus bus,
    IDbContextFactory<MasqueDbContext> contexts,
    PackageStore store,
    SubmissionNotifier notifier,
    IAuditLog audit,
    TimeProvider time,
    ILogger<ScanWorker> logger) : BackgroundService
{
    private static readonly AuditActor Scanner = new("scanner", null, null);

    /// <summary>This instance among those sharing the database: who holds a scan's lease.</summary>
    private string InstanceId => bus.InstanceId;

    private TimeSpan Lease => options.Value.Lease;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken);
        var sweep = SweepAsync(stoppingToken);
        await foreach (var id in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ProcessAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The worker must outlive any one submission; ProcessAsync already recorded what it could.
                LogUnexpected(logger, e, id);
            }
        }

        await sweep;
    }

    /// <summary>Every half lease, enqueues the scans no live instance holds: queued ones, and those whose lease ran out.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Lease / 2, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                    var now = time.GetUtcNow().UtcDateTime;
                    var stale = now - Lease;
                    foreach (var id in await db.Submissions.AsNoTracking()
                                 .Where(s => (s.Status == SubmissionStatus.Queued && s.StatusChangedAtUtc < stale)
                                             || (s.Status == SubmissionStatus.Scanning && (s.ScanLeaseExpiresAtUtc == null || s.ScanLeaseExpiresAtUtc < now)))
                                 .OrderBy(s => s.StatusChangedAtUtc).Select(s => s.Id).Take(100).ToListAsync(stoppingToken))
                    {
                        queue.Enqueue(id);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Re-queues what a previous run left queued or in the middle of a scan.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        // A scan another live instance holds (its lease runs) is left to it.
        var pending = await db.Set<Submission>()
            .Where(s => s.Status == SubmissionStatus.Queued || s.Status == SubmissionStatus.Uploaded
                        || (s.Status == SubmissionStatus.Scanning && (s.ScanLeaseExpiresAtUtc == null || s.ScanLeaseExpiresAtUtc < now)))
            .OrderBy(s => s.StatusChangedAtUtc)
            .ToListAsync(cancellationToken);
        var interrupted = pending.Where(s => s.Status != SubmissionStatus.Queued).ToList();
        if (interrupted.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var s in interrupted)
            {
                s.Status = SubmissionStatus.Queued;
                s.ScanLeaseOwner = null;
                s.ScanLeaseExpiresAtUtc = null;
                s.StatusChangedAtUtc = time.GetUtcNow().UtcDateTime;
                await audit.AppendAsync(db, Scanner, SubmissionActions.ScanResumed, SubmissionService.Target(s.Id), new { reason = "restart" }, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var s in pending)
        {
            queue.Enqueue(s.Id);
        }
    }

    /// <summary>Scans one queued submission and records the outcome. Public for tests that drive the queue by hand.</summary>
    public async Task ProcessAsync(Guid id, CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(id, cancellationToken);
        if (claimed is null)
        {
            return;
        }

        await notifier.PublishAsync(new SubmissionChanged(id, SubmissionStatus.Scanning));
        ScanReport report;
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var renewal = new CancellationTokenSource();
        var renewing = RenewLeaseAsync(id, lost, renewal.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var reputation = scope.ServiceProvider.GetRequiredService<AppReputation>();
            report = await reputation.ScanAsync(new ScanRequest(store.PathOf(claimed.PackageSha256), claimed.PackageSha256, claimed.SizeBytes, claimed.FileName), lost.Token);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogLeaseLost(logger, id);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogScanFailed(logger, e, id);
            await FinishAsync(id, SubmissionStatus.Failed, $"The scanner failed: {e.Message}", null, CancellationToken.None);
            return;
        }

        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }

        var status = report.Verdict == Verdict.Invalid ? SubmissionStatus.Invalid : SubmissionStatus.Scanned;
        var reason = status == SubmissionStatus.Invalid
            ? report.Findings.FirstOrDefault(f => f.RuleId == RuleIds.PackageInvalid)?.Evidence
            : null;
        await FinishAsync(id, status, reason, report, CancellationToken.None);
    }

    /// <summary>Renews this instance's lease every third of it until <paramref name="stop"/>; cancels <paramref name="lost"/> when another instance took the scan over.</summary>
    private async Task RenewLeaseAsync(Guid id, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await using var db = await contexts.CreateDbContextAsync(stop);
                var until = time.GetUtcNow().UtcDateTime + Lease;
                var renewed = await db.Submissions
                    .Where(s => s.Id == id && s.Status == SubmissionStatus.Scanning && s.ScanLeaseOwner == InstanceId)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.ScanLeaseExpiresAtUtc, until), stop);
                if (renewed == 0)
                {
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(logger, e); // the next renewal, or the lease's expiry, settles it
        }
    }

    private async Task<Submission?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var s = await db.Set<Submission>().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var orphaned = s is { Status: SubmissionStatus.Scanning } && (s.ScanLeaseExpiresAtUtc is null || s.ScanLeaseExpiresAtUtc < now);
        if (s is null || (s.Status != SubmissionStatus.Queued && !orphaned))
        {
            return null; // gone, done, or scanning on a live instance
        }

        if (orphaned)
        {
            await audit.AppendAsync(db, Scanner, SubmissionActions.ScanResumed, SubmissionService.Target(id),
                new { reason = "lease expired", previousInstance = s.ScanLeaseOwner }, cancellationToken);
        }

        s.ScanLeaseOwner = InstanceId;
        s.ScanLeaseExpiresAtUtc = now + Lease;
        s.Status = SubmissionStatus.Scanning;
        s.ScanAttempts++;
        s.StatusChangedAtUtc = time.GetUtcNow().UtcDateTime;
        await audit.AppendAsync(db, Scanner, SubmissionActions.ScanStarted, SubmissionService.Target(id), new { attempt = s.ScanAttempts }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return s;
    }

    private async Task FinishAsync(Guid id, SubmissionStatus status, string? reason, ScanReport? report, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var s = await db.Set<Submission>().Include(x => x.Findings).Include(x => x.Signers).SingleAsync(x => x.Id == id, cancellationToken);
            if (s.Status != SubmissionStatus.Scanning || s.ScanLeaseOwner != InstanceId)
            {
                LogLeaseLost(logger, id); // another instance took the scan over: its result stands, this one is dropped
                return;
            }

            s.ScanLeaseOwner = null;
            s.ScanLeaseExpiresAtUtc = null;
            var reopened = false;
            if (s.StatusBeforeRescan is SubmissionStatus.Published or SubmissionStatus.Retired or SubmissionStatus.Revoked)
            {
                // The catalog decides about a catalog build, not a rescan: keep its status and say what the rescan found.
                var worse = status == SubmissionStatus.Scanned && report is not null && s.ReviewedVerdict is { } approved && report.Verdict > approved;
                reason = status != SubmissionStatus.Scanned ? $"The rescan ended {status}: {reason}"
                    : worse ? $"A rescan found a worse verdict ({report!.Verdict}) than the one approved: review the catalog app." : null;
                status = s.StatusBeforeRescan.Value;
            }
            else if (s.StatusBeforeRescan is { } before && status == SubmissionStatus.Scanned)
            {
                // A re-evaluation keeps the decision, unless an approved build now looks worse than when it was approved.
                reopened = before == SubmissionStatus.Approved && report is not null && s.ReviewedVerdict is { } decided && report.Verdict > decided;
                status = reopened ? SubmissionStatus.Scanned : before;
            }

            s.StatusBeforeRescan = null;
            s.Status = status;
            s.StatusReason = reopened ? "Returned to review: a rescan after approval found a worse verdict." : reason;
            s.StatusChangedAtUtc = time.GetUtcNow().UtcDateTime;
            if (report is not null)
            {
                s.ScannedAtUtc = report.ScannedAt.UtcDateTime;
                s.AppName = report.App?.DisplayName ?? report.App?.Name;
                s.BundleId = report.App?.BundleId;
                s.Version = report.App?.ShortVersion;
                s.TeamId = report.TeamId;
                s.Distribution = report.Distribution;
                s.Verdict = report.Verdict;
                s.RiskScore = report.RiskScore;
                s.ReportJson = JsonSerializer.Serialize(report, SubmissionService.ReportJson);
                s.ProfileUuid = report.Profile?.Uuid is { Length: > 0 and <= 64 } uuid ? uuid : null;
                db.RemoveRange(s.Findings);
                s.Findings = report.Findings.Select(f => new SubmissionFinding
                {
                    RuleId = f.RuleId, Severity = f.Severity, Title = Truncate(f.Title, 256), Evidence = Truncate(f.Evidence, 4000), Remediation = Truncate(f.Remediation, 1000), Source = Truncate(f.Source, 64),
                }).ToList();
                s.UrlSchemes = Spaced(report.App?.UrlSchemes ?? []);
                s.ExtensionBundleIds = Spaced(report.Extensions.Select(x => x.BundleId).OfType<string>());
                db.RemoveRange(s.Signers);
                s.Signers = report.SignerCertificates.Select(c => new SubmissionSigner
                {
                    Sha1 = c.Sha1, Sha256 = c.Sha256, Subject = Truncate(c.Subject, 1000), TeamId = c.TeamId ?? report.TeamId, NotAfterUtc = c.NotAfter.UtcDateTime, Role = c.Role,
                }).ToList();
            }

            object details = report is null
                ? new { status = status.ToString(), reason }
                : new { status = status.ToString(), verdict = report.Verdict.ToString(), report.RiskScore, rules = report.Findings.Select(f => f.RuleId).Distinct().ToList() };
            await audit.AppendAsync(db, Scanner, status == SubmissionStatus.Failed ? SubmissionActions.ScanFailed : SubmissionActions.ScanCompleted,
                SubmissionService.Target(id), details, cancellationToken);
            if (reopened)
            {
                await audit.AppendAsync(db, Scanner, SubmissionActions.ReturnedToReview, SubmissionService.Target(id),
                    new { approvedVerdict = s.ReviewedVerdict?.ToString(), verdict = report!.Verdict.ToString() }, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await notifier.PublishAsync(new SubmissionChanged(id, status));
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private static string Spaced(IEnumerable<string> values) => Truncate(" " + string.Join(' ', values.Where(v => !v.Contains(' ', StringComparison.Ordinal)).Distinct()) + " ", 4000);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another instance took over the scan of submission {SubmissionId} after this one's lease ran out; this result is dropped")]
    private static partial void LogLeaseLost(ILogger logger, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scan queue's sweep or lease renewal failed; it runs again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan of submission {SubmissionId} failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Unexpected error in the scan worker for submission {SubmissionId}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, Guid submissionId);
}
