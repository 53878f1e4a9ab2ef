using System.Security.Claims;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit.Logins;

/// <summary>Which sign-in events a search returns.</summary>
public enum SignInEventKind
{
    Succeeded,
    Failed,
    LockedOut,
    SignedOut,
    TwoFactorChanged,
    TokenUsed,
}

public sealed record SignInEventQuery(
    SignInEventKind? Kind = null, string? Account = null, string? Ip = null, DateTime? FromUtc = null, DateTime? ToUtc = null, int Page = 0, int PageSize = 50);

public sealed record SignInCountDay(DateOnly Day, int Succeeded, int Failed, int LockedOut);

public sealed record FailureCount(string Key, int Count);

/// <param name="Days">Sign-ins per UTC day by outcome.</param>
/// <param name="TopAccounts">Accounts with the most failed sign-ins over the last <see cref="LoginAuditService.TopDays"/> days.</param>
/// <param name="TopIps">Addresses with the most failed sign-ins over the same days.</param>
public sealed record LoginSummary(IReadOnlyList<SignInCountDay> Days, IReadOnlyList<FailureCount> TopAccounts, IReadOnlyList<FailureCount> TopIps);

/// <summary>The <c>/audit/logins</c> page's queries and the acknowledgement of login alerts (PRODUCT.md §8).</summary>
public sealed class LoginAuditService(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, IAuthorizationService authorization, LoginAlertNotifier notifier, TimeProvider time)
{
    public const int ChartDays = 30;
    public const int TopDays = 7;
    public const int TopCount = 10;

    private static readonly string[] SignInActions =
    [
        AuditActions.LoginSucceeded, AuditActions.LoginFailed, AuditActions.LockedOut, AuditActions.SignedOut,
        AuditActions.TwoFactorEnabled, AuditActions.TwoFactorDisabled, AuditActions.TwoFactorReset, AuditActions.TokenUsed,
    ];

    public async Task<LoginSummary> SummaryAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = time.GetUtcNow().UtcDateTime.Date;
        var from = today.AddDays(-(ChartDays - 1));
        string[] outcomes = [AuditActions.LoginSucceeded, AuditActions.LoginFailed, AuditActions.LockedOut];
        var counts = await db.AuditEvents.AsNoTracking()
            .Where(e => e.OccurredAtUtc >= from && outcomes.Contains(e.Action))
            .GroupBy(e => new { e.OccurredAtUtc.Date, e.Action })
            .Select(g => new { g.Key.Date, g.Key.Action, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var days = Enumerable.Range(0, ChartDays).Select(i => from.AddDays(i))
            .Select(day => new SignInCountDay(
                DateOnly.FromDateTime(day),
                counts.Where(c => c.Date == day && c.Action == AuditActions.LoginSucceeded).Sum(c => c.Count),
                counts.Where(c => c.Date == day && c.Action == AuditActions.LoginFailed).Sum(c => c.Count),
                counts.Where(c => c.Date == day && c.Action == AuditActions.LockedOut).Sum(c => c.Count)))
            .ToList();

        var since = time.GetUtcNow().UtcDateTime.AddDays(-TopDays);
        var failures = db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.LoginFailed && e.OccurredAtUtc >= since);
        var accounts = await failures.GroupBy(e => e.Actor)
            .Select(g => new { g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Key).Take(TopCount)
            .ToListAsync(cancellationToken);
        var ips = await failures.Where(e => e.ClientIp != null).GroupBy(e => e.ClientIp!)
            .Select(g => new { g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Key).Take(TopCount)
            .ToListAsync(cancellationToken);
        return new LoginSummary(days, accounts.Select(a => new FailureCount(a.Key, a.Count)).ToList(), ips.Select(a => new FailureCount(a.Key, a.Count)).ToList());
    }

    public async Task<Paged<AuditEvent>> SearchSignInsAsync(ClaimsPrincipal by, SignInEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        string[] actions = query.Kind switch
        {
            null => SignInActions,
            SignInEventKind.Succeeded => [AuditActions.LoginSucceeded],
            SignInEventKind.Failed => [AuditActions.LoginFailed],
            SignInEventKind.LockedOut => [AuditActions.LockedOut],
            SignInEventKind.SignedOut => [AuditActions.SignedOut],
            SignInEventKind.TwoFactorChanged => [AuditActions.TwoFactorEnabled, AuditActions.TwoFactorDisabled, AuditActions.TwoFactorReset],
            SignInEventKind.TokenUsed => [AuditActions.TokenUsed],
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        };
        var events = db.AuditEvents.AsNoTracking().Where(e => actions.Contains(e.Action));
        if (query.FromUtc is { } from)
        {
            events = events.Where(e => e.OccurredAtUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            events = events.Where(e => e.OccurredAtUtc < to);
        }

        if (!string.IsNullOrWhiteSpace(query.Account))
        {
            var account = query.Account.Trim();
            events = events.Where(e => e.Actor.Contains(account));
        }

        if (!string.IsNullOrWhiteSpace(query.Ip))
        {
            var ip = query.Ip.Trim();
            events = events.Where(e => e.ClientIp != null && e.ClientIp.StartsWith(ip));
        }

        return await AuditTrailService.NewestFirstAsync(events, query.Page, query.PageSize, cancellationToken);
    }

    /// <summary>Open alerts (newest first), then the most recently acknowledged ones.</summary>
    public async Task<IReadOnlyList<LoginAlert>> AlertsAsync(ClaimsPrincipal by, bool acknowledged, int limit = 100, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alerts = db.LoginAlerts.AsNoTracking();
        alerts = acknowledged
            ? alerts.Where(a => a.AcknowledgedAtUtc != null).OrderByDescending(a => a.AcknowledgedAtUtc).ThenByDescending(a => a.Id)
            : alerts.Where(a => a.AcknowledgedAtUtc == null).OrderByDescending(a => a.Id);
        return await alerts.Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
    }

    public async Task<int> OpenAlertCountAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LoginAlerts.CountAsync(a => a.AcknowledgedAtUtc == null, cancellationToken);
    }

    /// <summary>Marks an alert as seen and dealt with; the comment says how. Audited as <c>alert.acknowledged</c>.</summary>
    public async Task<LoginAlert> AcknowledgeAsync(ClaimsPrincipal by, long alertId, string comment, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanAcknowledgeAlerts);
        comment = (comment ?? "").Trim();
        if (comment.Length is 0 or > 2000)
        {
            throw DomainException.Invalid("Acknowledging an alert needs a comment of 1 to 2,000 characters: say what was checked.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var alert = await db.LoginAlerts.SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken)
            ?? throw DomainException.NotFound("No such alert.");
        if (!alert.IsOpen)
        {
            throw DomainException.Conflict($"The alert was already acknowledged by {alert.AcknowledgedBy}.");
        }

        var actor = AuditActor.From(by, clientIp);
        alert.AcknowledgedBy = actor.Name;
        alert.AcknowledgedById = actor.UserId;
        alert.AcknowledgedAtUtc = time.GetUtcNow().UtcDateTime;
        alert.AcknowledgementComment = comment;
        await audit.AppendAsync(db, actor, AuditActions.AlertAcknowledged, $"login-alert:{alert.Id}",
            new { kind = alert.Kind.ToString(), severity = alert.Severity.ToString(), alert.Subject, comment }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notifier.PublishAsync(new LoginAlertsChanged([]));
        return alert;
    }
}
