using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Signers;

public sealed record SeenCertificate(string Sha1, string Subject, string? TeamId, DateTime NotAfterUtc, DateTime FirstSeenUtc, DateTime LastSeenUtc, int Submissions, bool Revoked);

public sealed record TrustedSignerRow(string TeamId, string Name, string? CertificateSha1, string AddedBy, DateTime AddedAtUtc, IReadOnlyList<SeenCertificate> Certificates, int AppsSigned);

public sealed record RevokedCertificateRow(string Sha1, string Reason, string RevokedBy, DateTime RevokedAtUtc);

public sealed record SignersOverview(IReadOnlyList<TrustedSignerRow> Trusted, IReadOnlyList<SeenCertificate> Untrusted, IReadOnlyList<RevokedCertificateRow> Revoked);

/// <summary>What revoking a certificate would touch: shown before the EMM administrator confirms.</summary>
public sealed record RevocationImpact(string Sha1, string? Subject, IReadOnlyList<string> CatalogApps, int Submissions);

/// <summary>Raised inside the revocation's transaction, for features that must act on it in the same transaction (the fleet queues RemoveApp).</summary>
public sealed record CertificateRevoked(string Sha1, string Reason, IReadOnlyList<Guid> RevokedCatalogApps, IReadOnlyList<string> RevokedBundleIds);

public interface ICertificateRevocationListener
{
    Task OnRevokedAsync(MasqueDbContext db, CertificateRevoked revoked, AuditActor actor, CancellationToken cancellationToken);
}

/// <summary>
/// Trusted signers and certificate revocation (PRODUCT.md §5). Revoking marks the certificate, moves every
/// catalog app it signed to Revoked, re-evaluates the submissions it signed and tells the listeners — in one
/// transaction with its audit events.
/// </summary>
public sealed class SignerService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    Reevaluation reevaluation,
    IEnumerable<ICertificateRevocationListener> listeners,
    Compliance.FleetReevaluation fleet,
    TimeProvider time)
{
    public const string Trusted = "signer.trusted";
    public const string Untrusted = "signer.untrusted";
    public const string Revoked = "signer.revoked";
    public const string CatalogRevoked = "catalog.revoked";

    public async Task<SignersOverview> OverviewAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadSigners);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var revoked = await db.RevokedCertificates.AsNoTracking().OrderByDescending(r => r.RevokedAtUtc).ToListAsync(cancellationToken);
        var revokedSet = revoked.Select(r => r.Sha1).ToHashSet(StringComparer.Ordinal);
        var seen = (await (from signer in db.SubmissionSigners
                           join s in db.Submissions on signer.SubmissionId equals s.Id
                           group new { signer, s.UploadedAtUtc } by signer.Sha1 into g
                           select new
                           {
                               Sha1 = g.Key,
                               Subject = g.Max(x => x.signer.Subject),
                               TeamId = g.Max(x => x.signer.TeamId),
                               NotAfter = g.Max(x => x.signer.NotAfterUtc),
                               First = g.Min(x => x.UploadedAtUtc),
                               Last = g.Max(x => x.UploadedAtUtc),
                               Count = g.Count(),
                           }).Take(5000).ToListAsync(cancellationToken))
            .Select(x => new SeenCertificate(x.Sha1, x.Subject, x.TeamId, x.NotAfter, x.First, x.Last, x.Count, revokedSet.Contains(x.Sha1)))
            .ToList();
        var trusted = await db.TrustedSigners.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var appsByTeam = await db.CatalogApps.AsNoTracking().GroupBy(a => a.TeamId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var trustedTeams = trusted.Select(t => t.TeamId).ToHashSet(StringComparer.Ordinal);
        return new SignersOverview(
            trusted.Select(t => new TrustedSignerRow(t.TeamId, t.Name, t.CertificateSha1, t.AddedBy, t.AddedAtUtc,
                seen.Where(c => c.TeamId == t.TeamId).ToList(), appsByTeam.FirstOrDefault(a => a.Key == t.TeamId)?.Count ?? 0)).ToList(),
            seen.Where(c => c.TeamId is null || !trustedTeams.Contains(c.TeamId)).OrderByDescending(c => c.LastSeenUtc).ToList(),
            revoked.Select(r => new RevokedCertificateRow(r.Sha1, r.Reason, r.RevokedBy, r.RevokedAtUtc)).ToList());
    }

    public async Task TrustAsync(ClaimsPrincipal by, string teamId, string name, string? certificateSha1, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageSigners);
        teamId = (teamId ?? "").Trim();
        name = (name ?? "").Trim();
        var sha1 = NormalizeSha1(certificateSha1, required: false);
        if (!TeamIds.IsValid(teamId))
        {
            throw DomainException.Invalid("A team id is 10 upper-case letters or digits.");
        }

        if (name.Length is 0 or > 256)
        {
            throw DomainException.Invalid("Name the signer (1 to 256 characters).");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.TrustedSigners.AnyAsync(t => t.TeamId == teamId, cancellationToken))
        {
            throw DomainException.Conflict($"Team {teamId} is already trusted.");
        }

        var actor = AuditActor.From(by, clientIp);
        db.TrustedSigners.Add(new TrustedSigner { TeamId = teamId, Name = name, CertificateSha1 = sha1, AddedBy = actor.Name, AddedAtUtc = time.GetUtcNow().UtcDateTime });
        await audit.AppendAsync(db, actor, Trusted, $"team:{teamId}", new { name, certificateSha1 = sha1 }, cancellationToken);
        var affected = await reevaluation.MarkAsync(db, db.Submissions.Where(s => s.TeamId == teamId), actor, $"team {teamId} trusted", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForTeam(teamId), cancellationToken);
    }

    public async Task UntrustAsync(ClaimsPrincipal by, string teamId, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageSigners);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var signer = await db.TrustedSigners.SingleOrDefaultAsync(t => t.TeamId == teamId, cancellationToken)
            ?? throw DomainException.NotFound($"Team {teamId} is not a trusted signer.");
        var actor = AuditActor.From(by, clientIp);
        db.TrustedSigners.Remove(signer);
        await audit.AppendAsync(db, actor, Untrusted, $"team:{teamId}", new { signer.Name }, cancellationToken);
        var affected = await reevaluation.MarkAsync(db, db.Submissions.Where(s => s.TeamId == teamId), actor, $"team {teamId} no longer trusted", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForTeam(teamId), cancellationToken);
    }

    public async Task<RevocationImpact> ImpactOfRevocationAsync(ClaimsPrincipal by, string sha1, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadSigners);
        sha1 = NormalizeSha1(sha1, required: true)!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var signed = db.SubmissionSigners.Where(x => x.Sha1 == sha1).Select(x => x.SubmissionId);
        var apps = await db.CatalogApps.Where(a => a.Status == CatalogAppStatus.Published && signed.Contains(a.CurrentSubmissionId))
            .Select(a => a.BundleId).ToListAsync(cancellationToken);
        var subject = await db.SubmissionSigners.Where(x => x.Sha1 == sha1).Select(x => x.Subject).FirstOrDefaultAsync(cancellationToken);
        return new RevocationImpact(sha1, subject, apps, await signed.Distinct().CountAsync(cancellationToken));
    }

    public async Task<CertificateRevoked> RevokeAsync(ClaimsPrincipal by, string sha1, string reason, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageSigners);
        sha1 = NormalizeSha1(sha1, required: true)!;
        reason = (reason ?? "").Trim();
        if (reason.Length is < 5 or > 2000)
        {
            throw DomainException.Invalid("Give a reason of 5 to 2,000 characters: it goes into the audit trail.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.RevokedCertificates.AnyAsync(r => r.Sha1 == sha1, cancellationToken))
        {
            throw DomainException.Conflict("That certificate is already revoked.");
        }

        var actor = AuditActor.From(by, clientIp);
        var now = time.GetUtcNow().UtcDateTime;
        db.RevokedCertificates.Add(new RevokedCertificate { Sha1 = sha1, Reason = reason, RevokedBy = actor.Name, RevokedAtUtc = now });
        await audit.AppendAsync(db, actor, Revoked, $"certificate:{sha1}", new { reason }, cancellationToken);

        var signed = db.SubmissionSigners.Where(x => x.Sha1 == sha1).Select(x => x.SubmissionId);
        var apps = await db.CatalogApps.Where(a => a.Status == CatalogAppStatus.Published && signed.Contains(a.CurrentSubmissionId)).ToListAsync(cancellationToken);
        foreach (var app in apps)
        {
            app.Status = CatalogAppStatus.Revoked;
            app.StatusReason = $"Signing certificate {sha1} revoked: {reason}";
            if (await db.Submissions.SingleOrDefaultAsync(s => s.Id == app.CurrentSubmissionId, cancellationToken) is { } current)
            {
                current.Status = SubmissionStatus.Revoked;
                current.StatusReason = app.StatusReason;
                current.StatusChangedAtUtc = now;
            }

            await audit.AppendAsync(db, actor, CatalogRevoked, $"catalog:{app.BundleId}", new { certificate = sha1, reason }, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        var affected = await reevaluation.MarkAsync(db, db.Submissions.Where(s => signed.Contains(s.Id)), actor, $"certificate {sha1} revoked", cancellationToken);
        var revoked = new CertificateRevoked(sha1, reason, apps.Select(a => a.Id).ToList(), apps.Select(a => a.BundleId).ToList());
        foreach (var listener in listeners)
        {
            await listener.OnRevokedAsync(db, revoked, actor, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await reevaluation.EnqueueAsync(affected);
        await fleet.ReevaluateAsync(Compliance.CatalogChange.ForCertificate(sha1), cancellationToken);
        return revoked;
    }

    private static string? NormalizeSha1(string? sha1, bool required)
    {
        sha1 = sha1?.Trim().Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        if (string.IsNullOrEmpty(sha1))
        {
            return required ? throw DomainException.Invalid("Name the certificate by its SHA-1 fingerprint (40 hexadecimal digits).") : null;
        }

        return sha1.Length == 40 && sha1.All(char.IsAsciiHexDigitLower) ? sha1 : throw DomainException.Invalid("A SHA-1 fingerprint is 40 hexadecimal digits.");
    }
}
