using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Apps;

/// <summary>
/// The durable scan queue's consumer: <c>Queued → Scanning → Scanned | Invalid | Failed</c>. At start-up it
/// re-enqueues every submission that was queued or interrupted mid-scan; a scanner exception marks that
/// submission Failed with the reason and the worker moves on to the next.
/// </summary>
public sealed partial class ScanWorker(
    ScanQueue queue,
    IServiceScopeFactory scopes,
    IDbContextFactory<MasqueDbContext> contexts,
    PackageStore store,
    SubmissionNotifier notifier,
    IAuditLog audit,
    TimeProvider time,
    ILogger<ScanWorker> logger) : BackgroundService
{
    private static readonly AuditActor Scanner = new("scanner", null, null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken);
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
    }

    /// <summary>Re-queues what a previous run left queued or in the middle of a scan.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = await db.Set<Submission>()
            .Where(s => s.Status == SubmissionStatus.Queued || s.Status == SubmissionStatus.Scanning || s.Status == SubmissionStatus.Uploaded)
            .OrderBy(s => s.StatusChangedAtUtc)
            .ToListAsync(cancellationToken);
        var interrupted = pending.Where(s => s.Status != SubmissionStatus.Queued).ToList();
        if (interrupted.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var s in interrupted)
            {
                s.Status = SubmissionStatus.Queued;
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
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var reputation = scope.ServiceProvider.GetRequiredService<AppReputation>();
            report = await reputation.ScanAsync(new ScanRequest(store.PathOf(claimed.PackageSha256), claimed.PackageSha256, claimed.SizeBytes, claimed.FileName), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogScanFailed(logger, e, id);
            await FinishAsync(id, SubmissionStatus.Failed, $"The scanner failed: {e.Message}", null, CancellationToken.None);
            return;
        }

        var status = report.Verdict == Verdict.Invalid ? SubmissionStatus.Invalid : SubmissionStatus.Scanned;
        var reason = status == SubmissionStatus.Invalid
            ? report.Findings.FirstOrDefault(f => f.RuleId == RuleIds.PackageInvalid)?.Evidence
            : null;
        await FinishAsync(id, status, reason, report, CancellationToken.None);
    }

    private async Task<Submission?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var s = await db.Set<Submission>().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (s is null || s.Status != SubmissionStatus.Queued)
        {
            return null;
        }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan of submission {SubmissionId} failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Unexpected error in the scan worker for submission {SubmissionId}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, Guid submissionId);
}
