using System.Security.Claims;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit;

public sealed record AuditQuery(DateTime? FromUtc = null, DateTime? ToUtc = null, string? Actor = null, string? Action = null, string? Target = null, int Page = 0, int PageSize = 50);

/// <summary>What auditors read and check: the trail, newest first, and the integrity check (PRODUCT.md §8).</summary>
public sealed class AuditTrailService(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, IAuthorizationService authorization)
{
    public async Task<Paged<AuditEvent>> SearchAsync(ClaimsPrincipal by, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = db.AuditEvents.AsNoTracking();
        if (query.FromUtc is { } from)
        {
            events = events.Where(e => e.OccurredAtUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            events = events.Where(e => e.OccurredAtUtc < to);
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            events = events.Where(e => e.Actor.Contains(query.Actor.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            events = events.Where(e => e.Action.StartsWith(query.Action.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(query.Target))
        {
            events = events.Where(e => e.Target != null && e.Target.Contains(query.Target.Trim()));
        }

        var total = await events.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 500);
        var items = await events.OrderByDescending(e => e.Sequence)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
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
