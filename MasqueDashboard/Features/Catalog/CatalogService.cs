using System.Security.Claims;
using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Reviews;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Catalog;

public sealed record CatalogAppRow(
    Guid Id, string BundleId, string Name, string TeamId, CatalogAppStatus Status, string? StatusReason, string? CurrentVersion,
    string? Distribution, IReadOnlyList<string> UrlSchemes, IReadOnlyList<string> ExtensionBundleIds, string ApprovedBy,
    string PublishedBy, DateTime PublishedAtUtc, bool ApprovedWithOverride, Guid CurrentSubmissionId);

public sealed record CatalogVersionRow(Guid SubmissionId, string? Version, string TeamId, string ApprovedBy, string PublishedBy, DateTime PublishedAtUtc);

public sealed record CatalogAppDetail(CatalogAppRow App, IReadOnlyList<CatalogVersionRow> Versions);

/// <summary>
/// The Apps@Work catalog (PRODUCT.md §5): approved submissions are published by someone other than their uploader
/// (and, by default, their approver); a bundle id belongs to one team, so a new version from another team is refused
/// unless an EMM administrator transfers ownership. Publishing and retiring re-evaluate the submissions whose
/// catalog-relative findings could change.
/// </summary>
public sealed class CatalogService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    Reevaluation reevaluation,
    SubmissionNotifier notifier,
    Compliance.FleetReevaluation fleet,
    TimeProvider time)
{
    public async Task<IReadOnlyList<CatalogAppRow>> ListAsync(ClaimsPrincipal by, string? search = null, CancellationToken cancellationToken = default)
    {
        RequireSignedIn(by);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var apps = db.CatalogApps.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            apps = apps.Where(a => a.BundleId.Contains(term) || a.Name.Contains(term) || a.TeamId.Contains(term));
        }

        return (await apps.OrderBy(a => a.Name).ThenBy(a => a.BundleId).Take(1000).ToListAsync(cancellationToken)).Select(Row).ToList();
    }

    public async Task<CatalogAppDetail> GetAsync(ClaimsPrincipal by, Guid id, CancellationToken cancellationToken = default)
    {
        RequireSignedIn(by);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var app = await db.CatalogApps.AsNoTracking().Include(a => a.Versions).SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw DomainException.NotFound("No such catalog app.");
        return new CatalogAppDetail(Row(app), app.Versions.OrderByDescending(v => v.PublishedAtUtc)
            .Select(v => new CatalogVersionRow(v.SubmissionId, v.Version, v.TeamId, v.ApprovedByEmail, v.PublishedByEmail, v.PublishedAtUtc)).ToList());
    }

    public async Task<CatalogAppRow> PublishAsync(ClaimsPrincipal by, Guid submissionId, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanPublishApps);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var s = await db.Submissions.SingleOrDefaultAsync(x => x.Id == submissionId, cancellationToken)
            ?? throw DomainException.NotFound("No such submission.");
        await authorization.RequireAsync(by, SeparationOfDutiesRequirement.PublishPolicy, s);
        if (s.Status != SubmissionStatus.Approved)
        {
            throw DomainException.Conflict($"Only an approved submission can be published; this one is {s.Status}.");
        }

        var report = JsonSerializer.Deserialize<ScanReport>(s.ReportJson ?? "null", SubmissionService.ReportJson);
        if (s.BundleId is not { } bundleId || report is null || s.TeamId is not { } teamId)
        {
            throw DomainException.Conflict("The submission's report names no bundle id or signing team: it cannot be published.");
        }

        var actor = AuditActor.From(by, clientIp);
        var now = time.GetUtcNow().UtcDateTime;
        var app = await db.CatalogApps.SingleOrDefaultAsync(a => a.BundleId == bundleId, cancellationToken);
        if (app is not null && !string.Equals(app.TeamId, teamId, StringComparison.Ordinal))
        {
            throw DomainException.Forbidden($"{bundleId} belongs to team {app.TeamId} in the catalog; this build is signed by team {teamId}. An EMM administrator must transfer ownership first.");
        }

        Guid? previous = app?.CurrentSubmissionId;
        if (app is null)
        {
            app = new CatalogApp { Id = Guid.NewGuid(), BundleId = bundleId, Name = "", TeamId = teamId, ApprovedByEmail = "", PublishedByEmail = "" };
            db.CatalogApps.Add(app);
        }

        app.Name = s.AppName ?? bundleId;
        app.Status = CatalogAppStatus.Published;
        app.StatusReason = null;
        app.CurrentSubmissionId = s.Id;
        app.CurrentVersion = s.Version;
        app.Distribution = s.Distribution;
        app.UrlSchemes = string.Join(' ', report.App?.UrlSchemes ?? []);
        app.ExtensionBundleIds = string.Join(' ', report.Extensions.Select(x => x.BundleId).OfType<string>());
        app.ApprovedByEmail = s.ReviewerEmail ?? "";
        app.ApprovedWithOverride = s.OverrideReason is not null;
        app.PublishedByEmail = actor.Name;
        app.PublishedAtUtc = now;
        db.CatalogAppVersions.Add(new CatalogAppVersion
        {
            CatalogAppId = app.Id, SubmissionId = s.Id, Version = s.Version, TeamId = teamId, ApprovedByEmail = app.ApprovedByEmail, PublishedByEmail = actor.Name, PublishedAtUtc = now,
        });

        s.Status = SubmissionStatus.Published;
        s.StatusChangedAtUtc = now;
        s.PublisherId = by.FindFirstValue(ClaimTypes.NameIdentifier);
        s.PublisherEmail = actor.Name;
        s.PublishedAtUtc = now;
        if (previous is { } old && old != s.Id && await db.Submissions.SingleOrDefaultAsync(x => x.Id == old, cancellationToken) is { Status: SubmissionStatus.Published } superseded)
        {
            superseded.Status = SubmissionStatus.Retired;
            superseded.StatusReason = $"Superseded by version {s.Version} ({s.Id}).";
            superseded.StatusChangedAtUtc = now;
        }

        await audit.AppendAsync(db, actor, SubmissionActions.Published, SubmissionService.Target(s.Id),
            new { catalogApp = app.Id, bundleId, teamId, version = s.Version, approvedBy = s.ReviewerEmail, overrideReason = s.OverrideReason, replaces = previous }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var affected = await reevaluation.MarkAsync(db, AffectedBy(db, app, s.Id), actor, $"{bundleId} published to the catalog", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await notifier.PublishAsync(new SubmissionChanged(s.Id, s.Status));
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForApp(app.BundleId, CatalogApp.Split(app.UrlSchemes)), cancellationToken);
        return Row(app);
    }

    public async Task RetireAsync(ClaimsPrincipal by, Guid catalogAppId, string reason, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanPublishApps);
        reason = RequireReason(reason);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var app = await db.CatalogApps.SingleOrDefaultAsync(a => a.Id == catalogAppId, cancellationToken)
            ?? throw DomainException.NotFound("No such catalog app.");
        if (app.Status != CatalogAppStatus.Published)
        {
            throw DomainException.Conflict($"The app is already {app.Status}.");
        }

        var actor = AuditActor.From(by, clientIp);
        var now = time.GetUtcNow().UtcDateTime;
        app.Status = CatalogAppStatus.Retired;
        app.StatusReason = reason;
        if (await db.Submissions.SingleOrDefaultAsync(x => x.Id == app.CurrentSubmissionId, cancellationToken) is { Status: SubmissionStatus.Published } current)
        {
            current.Status = SubmissionStatus.Retired;
            current.StatusReason = reason;
            current.StatusChangedAtUtc = now;
        }

        await audit.AppendAsync(db, actor, SubmissionActions.Retired, $"catalog:{app.BundleId}", new { catalogApp = app.Id, reason }, cancellationToken);
        var affected = await reevaluation.MarkAsync(db, AffectedBy(db, app, app.CurrentSubmissionId), actor, $"{app.BundleId} retired from the catalog", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForApp(app.BundleId, CatalogApp.Split(app.UrlSchemes)), cancellationToken);
    }

    /// <summary>Hands a bundle id to another team (an acquisition, a new signing team): the only way another team publishes it.</summary>
    public async Task TransferOwnershipAsync(ClaimsPrincipal by, Guid catalogAppId, string newTeamId, string reason, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageSigners);
        reason = RequireReason(reason);
        newTeamId = (newTeamId ?? "").Trim();
        if (!TeamIds.IsValid(newTeamId))
        {
            throw DomainException.Invalid("A team id is 10 upper-case letters or digits.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var app = await db.CatalogApps.SingleOrDefaultAsync(a => a.Id == catalogAppId, cancellationToken)
            ?? throw DomainException.NotFound("No such catalog app.");
        var actor = AuditActor.From(by, clientIp);
        var from = app.TeamId;
        app.TeamId = newTeamId;
        await audit.AppendAsync(db, actor, SubmissionActions.OwnershipTransferred, $"catalog:{app.BundleId}", new { from, to = newTeamId, reason }, cancellationToken);
        var affected = await reevaluation.MarkAsync(db, AffectedBy(db, app, app.CurrentSubmissionId), actor, $"{app.BundleId} transferred to team {newTeamId}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForApp(app.BundleId, CatalogApp.Split(app.UrlSchemes)), cancellationToken);
    }

    /// <summary>Submissions whose catalog-relative findings depend on this app: same bundle id, one of its URL schemes or extension ids.</summary>
    private static IQueryable<Submission> AffectedBy(MasqueDbContext db, CatalogApp app, Guid except)
    {
        var bundleId = app.BundleId;
        var schemes = CatalogApp.Split(app.UrlSchemes).Select(x => $" {x} ").ToList();
        var extensions = CatalogApp.Split(app.ExtensionBundleIds).Select(x => $" {x} ").ToList();
        var query = db.Submissions.Where(s => s.Id != except && s.BundleId == bundleId);
        foreach (var scheme in schemes)
        {
            query = query.Union(db.Submissions.Where(s => s.Id != except && s.UrlSchemes.Contains(scheme)));
        }

        foreach (var extension in extensions)
        {
            query = query.Union(db.Submissions.Where(s => s.Id != except && s.ExtensionBundleIds.Contains(extension)));
        }

        return query;
    }

    private static string RequireReason(string reason)
    {
        reason = (reason ?? "").Trim();
        return reason.Length is >= 5 and <= 2000 ? reason : throw DomainException.Invalid("Give a reason of 5 to 2,000 characters: it goes into the audit trail.");
    }

    private static void RequireSignedIn(ClaimsPrincipal by)
    {
        if (by.Identity?.IsAuthenticated != true)
        {
            throw DomainException.Forbidden("Sign in to browse the catalog.");
        }
    }

    private static CatalogAppRow Row(CatalogApp a) => new(
        a.Id, a.BundleId, a.Name, a.TeamId, a.Status, a.StatusReason, a.CurrentVersion, a.Distribution, CatalogApp.Split(a.UrlSchemes),
        CatalogApp.Split(a.ExtensionBundleIds), a.ApprovedByEmail, a.PublishedByEmail, a.PublishedAtUtc, a.ApprovedWithOverride, a.CurrentSubmissionId);
}

/// <summary>Apple Team IDs: 10 upper-case letters or digits.</summary>
public static class TeamIds
{
    public static bool IsValid(string? teamId) =>
        teamId is { Length: 10 } && teamId.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}
