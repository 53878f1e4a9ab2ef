using System.Security.Claims;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Apps;

public sealed record SubmissionRow(
    Guid Id, string FileName, string? AppName, string? BundleId, string? Version, string UploaderEmail,
    DateTime UploadedAtUtc, SubmissionStatus Status, Verdict? Verdict, int? RiskScore, long SizeBytes);

public sealed record SubmissionQuery(
    SubmissionStatus? Status = null,
    Verdict? Verdict = null,
    string? BundleId = null,
    string? Uploader = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    int Page = 0,
    int PageSize = 25,
    string SortBy = nameof(SubmissionRow.UploadedAtUtc),
    bool Descending = true);

public sealed record TimelineEntry(DateTime AtUtc, string Actor, string Action, string Details);

/// <summary>The sign-off and publication of a submission, as the report page and the API show them.</summary>
public sealed record ReviewRecord(string? ReviewerEmail, DateTime? ReviewedAtUtc, string? Justification, string? OverrideReason, string? PublisherEmail, DateTime? PublishedAtUtc);

public sealed record SubmissionDetail(
    SubmissionRow Summary,
    string PackageSha256,
    string? StatusReason,
    Guid? DuplicateOfId,
    int ScanAttempts,
    DateTime? ScannedAtUtc,
    ScanReport? Report,
    bool CanRescan,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public ReviewRecord? Review { get; init; }
}

/// <param name="DuplicateOfId">Set when the same bytes were uploaded before: the first submission.</param>
public sealed record UploadResult(Guid Id, SubmissionStatus Status, string Sha256, Guid? DuplicateOfId);

/// <summary>
/// Upload, list, read and rescan submissions (PRODUCT.md §3). A Developer sees only their own builds;
/// reviewers, EMM administrators and auditors see all. Every transition is audited in its transaction.
/// </summary>
public sealed class SubmissionService(
    IDbContextFactory<MasqueDbContext> contexts,
    PackageStore store,
    ScanQueue queue,
    SubmissionNotifier notifier,
    IAuditLog audit,
    IAuthorizationService authorization,
    TimeProvider time)
{
    public static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public long MaxUploadBytes => store.MaxUploadBytes;

    public async Task<UploadResult> UploadAsync(ClaimsPrincipal by, string fileName, Stream content, string? clientIp, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await authorization.RequireAsync(by, Capabilities.CanUploadApps);
        fileName = Path.GetFileName((fileName ?? "").Trim());
        if (fileName.Length is 0 or > 255)
        {
            throw DomainException.Invalid("The file needs a name of 1 to 255 characters.");
        }

        var stored = await store.StoreAsync(content, progress, cancellationToken);
        try
        {
            return await RecordUploadAsync(by, fileName, stored, clientIp, cancellationToken);
        }
        catch when (!stored.AlreadyStored)
        {
            // No row will name these bytes: leave no file behind either.
            store.Delete(stored.Sha256);
            throw;
        }
    }

    private async Task<UploadResult> RecordUploadAsync(ClaimsPrincipal by, string fileName, StoredPackage stored, string? clientIp, CancellationToken cancellationToken)
    {
        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var first = await db.Set<Submission>().AsNoTracking()
            .Where(s => s.PackageSha256 == stored.Sha256)
            .OrderBy(s => s.UploadedAtUtc)
            .Select(s => (Guid?)s.Id)
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var submission = new Submission
        {
            Id = Guid.NewGuid(),
            UploaderId = by.FindFirstValue(ClaimTypes.NameIdentifier)!,
            UploaderEmail = actor.Name,
            UploadedAtUtc = now,
            FileName = fileName,
            SizeBytes = stored.Size,
            PackageSha256 = stored.Sha256,
            DuplicateOfId = first,
            Status = SubmissionStatus.Queued,
            StatusChangedAtUtc = now,
        };
        db.Add(submission);
        await audit.AppendAsync(db, actor, SubmissionActions.Uploaded, Target(submission.Id),
            new { fileName, size = stored.Size, sha256 = stored.Sha256, duplicateOf = first }, cancellationToken);
        await audit.AppendAsync(db, actor, SubmissionActions.Queued, Target(submission.Id), null, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        queue.Enqueue(submission.Id);
        await notifier.PublishAsync(new SubmissionChanged(submission.Id, submission.Status));
        return new UploadResult(submission.Id, submission.Status, stored.Sha256, first);
    }

    public async Task<Paged<SubmissionRow>> ListAsync(ClaimsPrincipal by, SubmissionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ownOnly = await OwnOnlyAsync(by);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<Submission>().AsNoTracking();
        if (ownOnly)
        {
            var userId = by.FindFirstValue(ClaimTypes.NameIdentifier);
            rows = rows.Where(s => s.UploaderId == userId);
        }

        if (query.Status is { } status)
        {
            rows = rows.Where(s => s.Status == status);
        }

        if (query.Verdict is { } verdict)
        {
            rows = rows.Where(s => s.Verdict == verdict);
        }

        if (!string.IsNullOrWhiteSpace(query.BundleId))
        {
            rows = rows.Where(s => s.BundleId != null && s.BundleId.Contains(query.BundleId.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(query.Uploader))
        {
            rows = rows.Where(s => s.UploaderEmail.Contains(query.Uploader.Trim()));
        }

        if (query.FromUtc is { } from)
        {
            rows = rows.Where(s => s.UploadedAtUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            rows = rows.Where(s => s.UploadedAtUtc < to);
        }

        var total = await rows.CountAsync(cancellationToken);
        rows = (query.SortBy, query.Descending) switch
        {
            (nameof(SubmissionRow.RiskScore), false) => rows.OrderBy(s => s.RiskScore).ThenBy(s => s.UploadedAtUtc),
            (nameof(SubmissionRow.RiskScore), true) => rows.OrderByDescending(s => s.RiskScore).ThenByDescending(s => s.UploadedAtUtc),
            (nameof(SubmissionRow.BundleId), false) => rows.OrderBy(s => s.BundleId).ThenBy(s => s.UploadedAtUtc),
            (nameof(SubmissionRow.BundleId), true) => rows.OrderByDescending(s => s.BundleId).ThenByDescending(s => s.UploadedAtUtc),
            (_, false) => rows.OrderBy(s => s.UploadedAtUtc),
            _ => rows.OrderByDescending(s => s.UploadedAtUtc),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var items = await rows.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(s => new SubmissionRow(s.Id, s.FileName, s.AppName, s.BundleId, s.Version, s.UploaderEmail, s.UploadedAtUtc, s.Status, s.Verdict, s.RiskScore, s.SizeBytes))
            .ToListAsync(cancellationToken);
        return new Paged<SubmissionRow>(items, total);
    }

    public async Task<SubmissionDetail> GetAsync(ClaimsPrincipal by, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var s = await db.Set<Submission>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw DomainException.NotFound("No such submission.");
        await RequireVisibleAsync(by, s);

        var target = Target(id);
        var timeline = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Target == target)
            .OrderBy(e => e.Sequence)
            .Select(e => new TimelineEntry(e.OccurredAtUtc, e.Actor, e.Action, e.Details))
            .ToListAsync(cancellationToken);
        var report = s.ReportJson is null ? null : JsonSerializer.Deserialize<ScanReport>(s.ReportJson, ReportJson);
        return new SubmissionDetail(
            new SubmissionRow(s.Id, s.FileName, s.AppName, s.BundleId, s.Version, s.UploaderEmail, s.UploadedAtUtc, s.Status, s.Verdict, s.RiskScore, s.SizeBytes),
            s.PackageSha256, s.StatusReason, s.DuplicateOfId, s.ScanAttempts, s.ScannedAtUtc, report,
            await CanRescanAsync(by, s), timeline)
        {
            Review = s.ReviewedAtUtc is null ? null : new ReviewRecord(s.ReviewerEmail, s.ReviewedAtUtc, s.ReviewJustification, s.OverrideReason, s.PublisherEmail, s.PublishedAtUtc),
        };
    }

    /// <summary>Queues a new scan: reviewers and administrators at any time after a scan, the uploader to retry a failed one.</summary>
    public async Task RescanAsync(ClaimsPrincipal by, Guid id, string? clientIp, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var s = await db.Set<Submission>().SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw DomainException.NotFound("No such submission.");
        await RequireVisibleAsync(by, s);
        if (!await CanRescanAsync(by, s))
        {
            throw s.IsDemo
                ? DomainException.Conflict("This is demo data: it has no package to scan.")
                : DomainException.Forbidden(s.Status is SubmissionStatus.Queued or SubmissionStatus.Scanning
                    ? "The submission is already waiting for or in a scan."
                    : "Only security reviewers and EMM administrators rescan; an uploader may retry a failed scan.");
        }

        var previous = s.Status;
        // A decided submission keeps its decision through a rescan unless its verdict gets worse (the worker judges).
        // A build in the catalog (published, retired or revoked) stays where it is: the rescan refreshes its report.
        s.StatusBeforeRescan = previous is SubmissionStatus.Scanned or SubmissionStatus.Approved or SubmissionStatus.Rejected
            or SubmissionStatus.Published or SubmissionStatus.Retired or SubmissionStatus.Revoked ? previous : null;
        s.Status = SubmissionStatus.Queued;
        s.StatusReason = null;
        s.StatusChangedAtUtc = time.GetUtcNow().UtcDateTime;
        await audit.AppendAsync(db, AuditActor.From(by, clientIp), SubmissionActions.RescanRequested, Target(id), new { previous = previous.ToString() }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        queue.Enqueue(id);
        await notifier.PublishAsync(new SubmissionChanged(id, SubmissionStatus.Queued));
    }

    public static string Target(Guid id) => $"submission:{id}";

    private async Task<bool> OwnOnlyAsync(ClaimsPrincipal by)
    {
        if ((await authorization.AuthorizeAsync(by, Capabilities.CanViewAllSubmissions)).Succeeded)
        {
            return false;
        }

        await authorization.RequireAsync(by, Capabilities.CanUploadApps);
        return true;
    }

    private async Task RequireVisibleAsync(ClaimsPrincipal by, Submission s)
    {
        if (await OwnOnlyAsync(by) && s.UploaderId != by.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            // Not "forbidden": a Developer does not learn that someone else's submission exists.
            throw DomainException.NotFound("No such submission.");
        }
    }

    private async Task<bool> CanRescanAsync(ClaimsPrincipal by, Submission s)
    {
        if (s.IsDemo || s.Status is SubmissionStatus.Queued or SubmissionStatus.Scanning or SubmissionStatus.Uploaded)
        {
            return false;
        }

        if ((await authorization.AuthorizeAsync(by, Capabilities.CanRescanApps)).Succeeded)
        {
            return true;
        }

        return s.Status == SubmissionStatus.Failed && s.UploaderId == by.FindFirstValue(ClaimTypes.NameIdentifier);
    }
}
