namespace MasqueDashboard.Features.Scanning;

/// <summary>A published catalog app as the catalog-relative rules see it.</summary>
public sealed record CatalogAppView(string BundleId, string Name, string TeamId, IReadOnlyList<string> UrlSchemes, IReadOnlyList<string> ExtensionBundleIds);

/// <summary>
/// One published build of a catalog app — its current version or one from its history — as a genuine install looks:
/// what an MDM that reports no signer can still compare (PRODUCT.md §7, inventory without signer data).
/// </summary>
/// <param name="SignerSha1s">The certificates (lower-case hex SHA-1) the build was signed with, when the scan saw them.</param>
/// <param name="ProfileUuid">The UUID of the provisioning profile embedded in the build, when the scan saw one.</param>
public sealed record CatalogBuildView(string BundleId, string? Version, string? Distribution, IReadOnlyList<string> SignerSha1s, string? ProfileUuid);

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

    /// <summary>Every published build of the published apps (current and earlier versions).</summary>
    public IReadOnlyList<CatalogBuildView> PublishedBuilds { get; init; } = [];

    public CatalogAppView? AppWithBundleId(string bundleId) =>
        PublishedApps.FirstOrDefault(a => string.Equals(a.BundleId, bundleId, StringComparison.Ordinal));
}

/// <summary>The published catalog, trusted and revoked signers and known-bad hashes, for the scanner.</summary>
public interface ICatalogView
{
    Task<CatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);
}
