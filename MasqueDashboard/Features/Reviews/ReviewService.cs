using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Reviews;

public sealed record ReviewQuery(Verdict? Verdict = null, int? MinRisk = null, string? Uploader = null, int Page = 0, int PageSize = 25);

/// <param name="OverrideReason">Required to approve a Suspicious or Malicious verdict; the approval is flagged everywhere.</param>
public sealed record ReviewDecision(bool Approve, string Justification, string? OverrideReason = null);

/// <summary>
/// The security reviewers' sign-off (PRODUCT.md §2, §3): only Scanned submissions are decided, never by their
/// uploader, always with a written justification, and an approval against a bad verdict needs an override reason.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    SubmissionNotifier notifier,
    TimeProvider time)
{
    public const int MinJustificationLength = 10;

    public async Task<Paged<SubmissionRow>> QueueAsync(ClaimsPrincipal by, ReviewQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanReviewApps);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Submissions.AsNoTracking().Where(s => s.Status == SubmissionStatus.Scanned);
        if (query.Verdict is { } verdict)
        {
            rows = rows.Where(s => s.Verdict == verdict);
        }

        if (query.MinRisk is { } risk)
        {
            rows = rows.Where(s => s.RiskScore >= risk);
        }

        if (!string.IsNullOrWhiteSpace(query.Uploader))
        {
            rows = rows.Where(s => s.UploaderEmail.Contains(query.Uploader.Trim()));
        }

        var total = await rows.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var items = await rows.OrderBy(s => s.StatusChangedAtUtc).ThenBy(s => s.UploadedAtUtc)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(s => new SubmissionRow(s.Id, s.FileName, s.AppName, s.BundleId, s.Version, s.UploaderEmail, s.UploadedAtUtc, s.Status, s.Verdict, s.RiskScore, s.SizeBytes))
            .ToListAsync(cancellationToken);
        return new Paged<SubmissionRow>(items, total);
    }

    /// <summary>How many submissions wait for a decision (the navigation badge); 0 for users who cannot review.</summary>
    public async Task<int> PendingCountAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        if (!(await authorization.AuthorizeAsync(by, Capabilities.CanReviewApps)).Succeeded)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Submissions.CountAsync(s => s.Status == SubmissionStatus.Scanned, cancellationToken);
    }

    public async Task DecideAsync(ClaimsPrincipal by, Guid submissionId, ReviewDecision decision, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        await authorization.RequireAsync(by, Capabilities.CanReviewApps);
        var justification = (decision.Justification ?? "").Trim();
        if (justification.Length < MinJustificationLength)
        {
            throw DomainException.Invalid($"Write a justification of at least {MinJustificationLength} characters: it goes into the audit trail.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var s = await db.Submissions.SingleOrDefaultAsync(x => x.Id == submissionId, cancellationToken)
            ?? throw DomainException.NotFound("No such submission.");
        await authorization.RequireAsync(by, SeparationOfDutiesRequirement.ApprovePolicy, s);
        if (s.Status != SubmissionStatus.Scanned)
        {
            throw DomainException.Conflict($"Only a scanned submission can be decided; this one is {s.Status}.");
        }

        var overrideReason = decision.OverrideReason?.Trim();
        var needsOverride = decision.Approve && s.Verdict is Verdict.Suspicious or Verdict.Malicious;
        if (needsOverride && (overrideReason is null || overrideReason.Length < MinJustificationLength))
        {
            throw DomainException.Invalid($"The verdict is {s.Verdict}: approving it needs an override reason of at least {MinJustificationLength} characters.");
        }

        var actor = AuditActor.From(by, clientIp);
        s.Status = decision.Approve ? SubmissionStatus.Approved : SubmissionStatus.Rejected;
        s.StatusReason = null;
        s.StatusChangedAtUtc = time.GetUtcNow().UtcDateTime;
        s.ReviewerId = by.FindFirstValue(ClaimTypes.NameIdentifier);
        s.ReviewerEmail = actor.Name;
        s.ReviewedAtUtc = s.StatusChangedAtUtc;
        s.ReviewJustification = justification;
        s.OverrideReason = needsOverride ? overrideReason : null;
        s.ReviewedVerdict = s.Verdict;
        await audit.AppendAsync(db, actor, decision.Approve ? SubmissionActions.Approved : SubmissionActions.Rejected, SubmissionService.Target(s.Id),
            new { justification, overrideReason = s.OverrideReason, verdict = s.Verdict?.ToString(), s.RiskScore, s.BundleId }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notifier.PublishAsync(new SubmissionChanged(s.Id, s.Status));
    }
}
