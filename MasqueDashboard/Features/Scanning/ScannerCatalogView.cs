using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Scanning;

/// <summary>
/// The scanner's view of what it compares against. Known-bad hashes come from the database; the published
/// catalog and the trusted and revoked signers arrive with the catalog (issue 4) and are empty until then.
/// </summary>
public sealed class ScannerCatalogView(IDbContextFactory<MasqueDbContext> contexts) : ICatalogView
{
    public async Task<CatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var knownBad = await db.Set<KnownMalwareHash>().AsNoTracking().Select(h => h.Sha256).ToListAsync(cancellationToken);
        return CatalogSnapshot.Empty with { KnownBadSha256s = knownBad.ToHashSet(StringComparer.Ordinal) };
    }
}
