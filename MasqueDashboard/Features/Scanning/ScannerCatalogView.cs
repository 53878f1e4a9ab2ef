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
            knownBad.ToHashSet(StringComparer.Ordinal))
        {
            PublishedBuilds = await PublishedBuildsAsync(db, cancellationToken),
        };
    }

    private static string? ProfileUuidOf(string? reportJson)
    {
        if (string.IsNullOrEmpty(reportJson))
        {
            return null;
        }

        try
        {
            using var report = System.Text.Json.JsonDocument.Parse(reportJson);
            return report.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && report.RootElement.TryGetProperty("profile", out var profile) && profile.ValueKind == System.Text.Json.JsonValueKind.Object
                && profile.TryGetProperty("uuid", out var uuid) && uuid.ValueKind == System.Text.Json.JsonValueKind.String
                && uuid.GetString() is { Length: > 0 and <= 64 } value ? value : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // a report we cannot read names no profile
        }
    }

    /// <summary>The current and earlier published versions of the published apps, with their distribution, signers and profile.</summary>
    public static async Task<IReadOnlyList<CatalogBuildView>> PublishedBuildsAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = await db.CatalogApps.AsNoTracking().Where(a => a.Status == CatalogAppStatus.Published)
            .Select(a => new { a.BundleId, Version = a.CurrentVersion, a.Distribution, SubmissionId = a.CurrentSubmissionId })
            .ToListAsync(cancellationToken);
        var history = await (from v in db.CatalogAppVersions
                             join a in db.CatalogApps on v.CatalogAppId equals a.Id
                             where a.Status == CatalogAppStatus.Published
                             select new { a.BundleId, v.Version, a.Distribution, v.SubmissionId })
            .AsNoTracking().ToListAsync(cancellationToken);
        var builds = current.Concat(history).DistinctBy(b => (b.BundleId, b.Version, b.SubmissionId)).ToList();
        var ids = builds.Select(b => b.SubmissionId).Distinct().ToList();
        var submissions = new Dictionary<Guid, (string? Distribution, string? ProfileUuid)>();
        var signers = new Dictionary<Guid, List<string>>();
        foreach (var chunk in ids.Chunk(500))
        {
            // Builds scanned before the profile UUID had its own column carry it in their report only.
            foreach (var s in await db.Submissions.AsNoTracking().Where(s => chunk.Contains(s.Id))
                .Select(s => new { s.Id, s.Distribution, s.ProfileUuid, Report = s.ProfileUuid == null ? s.ReportJson : null }).ToListAsync(cancellationToken))
            {
                submissions[s.Id] = (s.Distribution, s.ProfileUuid ?? ProfileUuidOf(s.Report));
            }

            foreach (var g in (await db.SubmissionSigners.AsNoTracking().Where(s => chunk.Contains(s.SubmissionId))
                .Select(s => new { s.SubmissionId, s.Sha1 }).ToListAsync(cancellationToken)).GroupBy(s => s.SubmissionId))
            {
                signers[g.Key] = g.Select(s => s.Sha1).Distinct(StringComparer.Ordinal).ToList();
            }
        }

        return builds.Select(b =>
        {
            var scanned = submissions.GetValueOrDefault(b.SubmissionId);
            return new CatalogBuildView(b.BundleId, b.Version, scanned.Distribution ?? b.Distribution, signers.GetValueOrDefault(b.SubmissionId) ?? [], scanned.ProfileUuid);
        }).ToList();
    }
}
