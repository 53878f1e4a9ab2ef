using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Overview;

public sealed record SignInDay(DateOnly Day, int Succeeded, int Failed, int LockedOut);

public sealed record UserCounts(IReadOnlyDictionary<string, int> ByRole, int Total, int LockedOut, int WithoutTwoFactor);

public sealed record AuditSummary(long Events, long FailedSignIns24h, DateTime? LastEventAtUtc)
{
    /// <summary>Login alerts nobody has acknowledged yet.</summary>
    public int OpenLoginAlerts { get; init; }
}

/// <param name="OwnOnly">True when the counts cover only the user's own uploads (a Developer).</param>
public sealed record SubmissionSummary(bool OwnOnly, int Total, int InQueue, int AwaitingReview, int Failed, IReadOnlyDictionary<Verdict, int> Verdicts)
{
    /// <summary>Submissions with a MASQUE-* finding per UTC day of their scan, the last <see cref="OverviewService.SignInDays"/> days.</summary>
    public IReadOnlyList<(DateOnly Day, int Count)> MasqueDetections { get; init; } = [];
}

/// <summary>What the overview shows a user: only the cards their capabilities allow, each from one query.</summary>
public sealed record OverviewModel(
    IReadOnlyList<string> Roles,
    bool TwoFactorEnabled,
    int ActiveTokens,
    IReadOnlyList<SignInDay>? SignIns,
    AuditSummary? Audit,
    UserCounts? Users,
    SubmissionSummary? Submissions)
{
    /// <summary>The fleet's counts, for those who may read the fleet.</summary>
    public FleetStats? Fleet { get; init; }

    /// <summary>The fleet's recent days (compliance over time, Masque detections on devices), for those who may read the fleet.</summary>
    public IReadOnlyList<FleetDay> FleetHistory { get; init; } = [];
}

/// <summary>The overview's read-only queries (PRODUCT.md §9: role-aware).</summary>
public sealed class OverviewService(IDbContextFactory<MasqueDbContext> contexts, IAuthorizationService authorization, FleetService fleet, TimeProvider time)
{
    public const int SignInDays = 14;

    public async Task<OverviewModel> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        var tokens = await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAtUtc == null, cancellationToken);
        var canReadAudit = (await authorization.AuthorizeAsync(user, Capabilities.CanReadAudit)).Succeeded;
        var canManageUsers = user.IsInRole(Roles.EmmAdmin);
        var seesAll = (await authorization.AuthorizeAsync(user, Capabilities.CanViewAllSubmissions)).Succeeded;
        var uploads = user.IsInRole(Roles.Developer) || user.IsInRole(Roles.EmmAdmin);
        var canReadFleet = (await authorization.AuthorizeAsync(user, Capabilities.CanReadFleet)).Succeeded;

        return new OverviewModel(
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            user.HasClaim(TwoFactorEnrolledRequirement.ClaimType, "true"),
            tokens,
            canReadAudit ? await SignInsPerDayAsync(db, cancellationToken) : null,
            canReadAudit ? await AuditSummaryAsync(db, cancellationToken) : null,
            canManageUsers ? await UserCountsAsync(db, cancellationToken) : null,
            seesAll || uploads ? await SubmissionSummaryAsync(db, seesAll ? null : userId, cancellationToken) : null)
        {
            Fleet = canReadFleet ? await fleet.StatsAsync(user, cancellationToken) : null,
            FleetHistory = canReadFleet ? await fleet.HistoryAsync(user, SignInDays, cancellationToken) : [],
        };
    }

    private async Task<SubmissionSummary> SubmissionSummaryAsync(MasqueDbContext db, string? ownerId, CancellationToken cancellationToken)
    {
        var submissions = db.Submissions.AsNoTracking();
        if (ownerId is not null)
        {
            submissions = submissions.Where(s => s.UploaderId == ownerId);
        }

        var byStatus = await submissions.GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var byVerdict = await submissions.Where(s => s.Verdict != null).GroupBy(s => s.Verdict!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        int Count(params SubmissionStatus[] statuses) => byStatus.Where(x => statuses.Contains(x.Key)).Sum(x => x.Count);
        var from = time.GetUtcNow().UtcDateTime.Date.AddDays(-(SignInDays - 1));
        var detections = await submissions
            .Where(s => s.ScannedAtUtc >= from && db.SubmissionFindings.Any(f => f.SubmissionId == s.Id && f.RuleId.StartsWith("MASQUE-")))
            .GroupBy(s => s.ScannedAtUtc!.Value.Date)
            .Select(g => new { Day = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return new SubmissionSummary(
            ownerId is not null,
            byStatus.Sum(x => x.Count),
            Count(SubmissionStatus.Uploaded, SubmissionStatus.Queued, SubmissionStatus.Scanning),
            Count(SubmissionStatus.Scanned),
            Count(SubmissionStatus.Failed),
            byVerdict.ToDictionary(x => x.Key, x => x.Count))
        {
            MasqueDetections = Enumerable.Range(0, SignInDays).Select(i => from.AddDays(i))
                .Select(day => (DateOnly.FromDateTime(day), detections.Where(d => d.Day == day).Sum(d => d.Count))).ToList(),
        };
    }

    /// <summary>Console sign-ins per UTC day by outcome, the last <see cref="SignInDays"/> days, today included.</summary>
    public async Task<IReadOnlyList<SignInDay>> SignInsPerDayAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var today = time.GetUtcNow().UtcDateTime.Date;
        var from = today.AddDays(-(SignInDays - 1));
        // One range count per day and outcome: each reads only the (Action, OccurredAtUtc) index, where grouping by
        // the date of each of a million events' times would compute and sort every one of them.
        var days = Enumerable.Range(0, SignInDays).Select(i => from.AddDays(i)).ToList();
        var result = new List<SignInDay>(SignInDays);
        foreach (var day in days)
        {
            var next = day.AddDays(1);
            async Task<int> CountAsync(string action) =>
                await db.AuditEvents.CountAsync(e => e.Action == action && e.OccurredAtUtc >= day && e.OccurredAtUtc < next, cancellationToken);
            result.Add(new SignInDay(DateOnly.FromDateTime(day),
                await CountAsync(AuditActions.LoginSucceeded), await CountAsync(AuditActions.LoginFailed), await CountAsync(AuditActions.LockedOut)));
        }

        return result;
    }

    private async Task<AuditSummary> AuditSummaryAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime.AddHours(-24);
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.OccurredAtUtc }).FirstOrDefaultAsync(cancellationToken);
        var failed = await db.AuditEvents.LongCountAsync(e => e.Action == AuditActions.LoginFailed && e.OccurredAtUtc >= since, cancellationToken);
        var openAlerts = await db.LoginAlerts.CountAsync(a => a.AcknowledgedAtUtc == null, cancellationToken);
        return new AuditSummary(head?.Sequence ?? 0, failed, head?.OccurredAtUtc) { OpenLoginAlerts = openAlerts };
    }

    private async Task<UserCounts> UserCountsAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var byRole = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            group ur by r.Name into g
                            select new { Role = g.Key!, Count = g.Count() }).ToListAsync(cancellationToken);
        var total = await db.Users.CountAsync(cancellationToken);
        var lockedOut = (await db.Users.Where(u => u.LockoutEnd != null).Select(u => u.LockoutEnd).ToListAsync(cancellationToken))
            .Count(end => end > now);
        var withoutTwoFactor = await db.Users.CountAsync(u => !u.TwoFactorEnabled, cancellationToken);
        return new UserCounts(byRole.ToDictionary(x => x.Role, x => x.Count), total, lockedOut, withoutTwoFactor);
    }
}
