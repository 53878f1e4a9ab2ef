using System.Security.Claims;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit;

/// <param name="ToUtc">Exclusive upper bound.</param>
/// <param name="Text">Free text anywhere in the details JSON.</param>
public sealed record AuditQuery(DateTime? FromUtc = null, DateTime? ToUtc = null, string? Actor = null, string? Action = null, string? Target = null, int Page = 0, int PageSize = 50, string? Text = null)
{
    /// <summary>The trail's filters, shared by the page, the search and the exports so they always agree.</summary>
    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (FromUtc is { } from)
        {
            events = events.Where(e => e.OccurredAtUtc >= from);
        }

        if (ToUtc is { } to)
        {
            events = events.Where(e => e.OccurredAtUtc < to);
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim();
            events = events.Where(e => e.Actor.Contains(actor));
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            var action = Action.Trim();
            events = events.Where(e => e.Action.StartsWith(action));
        }

        if (!string.IsNullOrWhiteSpace(Target))
        {
            var target = Target.Trim();
            events = events.Where(e => e.Target != null && e.Target.Contains(target));
        }

        if (!string.IsNullOrWhiteSpace(Text))
        {
            var text = Text.Trim();
            events = events.Where(e => e.Details.Contains(text));
        }

        return events;
    }
}

/// <summary>What auditors read and check: the trail, newest first, and the integrity check (PRODUCT.md §8).</summary>
public sealed class AuditTrailService(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, IAuthorizationService authorization)
{
    public async Task<Paged<AuditEvent>> SearchAsync(ClaimsPrincipal by, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await NewestFirstAsync(query.Apply(db.AuditEvents.AsNoTracking()), query.Page, query.PageSize, cancellationToken);
    }

    /// <summary>One page (of at most 500) of <paramref name="events"/>, newest first, with how many there are in all.</summary>
    internal static async Task<Paged<AuditEvent>> NewestFirstAsync(IQueryable<AuditEvent> events, int page, int pageSize, CancellationToken cancellationToken)
    {
        var total = await events.CountAsync(cancellationToken);
        var size = Math.Clamp(pageSize, 1, 500);
        var items = await events.OrderByDescending(e => e.Sequence)
            .Skip(Math.Max(0, page) * size).Take(size)
            .ToListAsync(cancellationToken);
        return new Paged<AuditEvent>(items, total);
    }

    /// <param name="via">Where the check was asked for ("console", "api"), recorded with its outcome.</param>
    public async Task<AuditVerification> VerifyAsync(ClaimsPrincipal by, string? clientIp, IProgress<AuditVerificationProgress>? progress, string via = "console", CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        var result = await audit.VerifyAsync(progress, cancellationToken);
        await audit.RecordAsync(AuditActor.From(by, clientIp), AuditActions.AuditVerified, "audit-trail",
            new { result.IsIntact, result.EventCount, result.HeadSequence, result.FirstBrokenSequence, via }, cancellationToken);
        return result;
    }
}
