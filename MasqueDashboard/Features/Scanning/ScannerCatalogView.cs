using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Scanning;

/// <summary>
/// The scanner's view of what it compares against: the published catalog apps, the trusted signing teams,
/// the revoked certificates and the known-bad hashes, read once per scan.
/// </summary>
public sealed class ScannerCatalogView(IDbContextFactory<MasqueDbContext> contexts) : ICatalogView
{
    public async Task<CatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var apps = await db.CatalogApps.AsNoTracking()
            .Where(a => a.Status == CatalogAppStatus.Published)
            .Select(a => new { a.BundleId, a.Name, a.TeamId, a.UrlSchemes, a.ExtensionBundleIds })
            .ToListAsync(cancellationToken);
        var trusted = await db.TrustedSigners.AsNoTracking().Select(t => t.TeamId).ToListAsync(cancellationToken);
        var revoked = await db.RevokedCertificates.AsNoTracking().Select(r => r.Sha1).ToListAsync(cancellationToken);
        var knownBad = await db.KnownMalwareHashes.AsNoTracking().Select(h => h.Sha256).ToListAsync(cancellationToken);
        return new CatalogSnapshot(
            apps.Select(a => new CatalogAppView(a.BundleId, a.Name, a.TeamId, CatalogApp.Split(a.UrlSchemes), CatalogApp.Split(a.ExtensionBundleIds))).ToList(),
            trusted.ToHashSet(StringComparer.Ordinal),
            revoked.ToHashSet(StringComparer.Ordinal),
            knownBad.ToHashSet(StringComparer.Ordinal));
    }
}
