namespace MasqueDashboard.Features.Scanning;

/// <summary>A published catalog app as the catalog-relative rules see it.</summary>
public sealed record CatalogAppView(string BundleId, string Name, string TeamId, IReadOnlyList<string> UrlSchemes, IReadOnlyList<string> ExtensionBundleIds);

/// <summary>
/// What the catalog-relative rules (<c>MASQUE-*</c>, <c>SIGNER-*</c>, <c>KNOWN-MALWARE-HASH</c>) compare against,
/// taken once per scan. Fingerprints and hashes are lower-case hex.
/// </summary>
public sealed record CatalogSnapshot(
    IReadOnlyList<CatalogAppView> PublishedApps,
    IReadOnlySet<string> TrustedTeamIds,
    IReadOnlySet<string> RevokedCertificateSha1s,
    IReadOnlySet<string> KnownBadSha256s)
{
    public static CatalogSnapshot Empty { get; } = new([], new HashSet<string>(), new HashSet<string>(), new HashSet<string>());

    public CatalogAppView? AppWithBundleId(string bundleId) =>
        PublishedApps.FirstOrDefault(a => string.Equals(a.BundleId, bundleId, StringComparison.Ordinal));
}

/// <summary>The published catalog, trusted and revoked signers and known-bad hashes, for the scanner.</summary>
public interface ICatalogView
{
    Task<CatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);
}
