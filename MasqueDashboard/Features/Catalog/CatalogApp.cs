namespace MasqueDashboard.Features.Catalog;

public enum CatalogAppStatus
{
    Published,
    Retired,
    Revoked,
}

/// <summary>
/// An app in the corporate catalog (Apps@Work, PRODUCT.md §5): one per bundle id, owned by one team. Its
/// URL schemes and extension ids are what the catalog-relative scanner rules compare against.
/// </summary>
public sealed class CatalogApp
{
    public Guid Id { get; set; }

    public required string BundleId { get; set; }

    public required string Name { get; set; }

    /// <summary>The team that owns the bundle id: only it may publish new versions (unless ownership is transferred).</summary>
    public required string TeamId { get; set; }

    public CatalogAppStatus Status { get; set; }

    public string? StatusReason { get; set; }

    public Guid CurrentSubmissionId { get; set; }

    public string? CurrentVersion { get; set; }

    public string? Distribution { get; set; }

    /// <summary>Space-separated URL schemes of the current version.</summary>
    public string UrlSchemes { get; set; } = "";

    /// <summary>Space-separated extension bundle ids of the current version.</summary>
    public string ExtensionBundleIds { get; set; } = "";

    public required string ApprovedByEmail { get; set; }

    public required string PublishedByEmail { get; set; }

    public DateTime PublishedAtUtc { get; set; }

    public bool ApprovedWithOverride { get; set; }

    public List<CatalogAppVersion> Versions { get; set; } = [];

    public static IReadOnlyList<string> Split(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One published version of a catalog app: its history.</summary>
public sealed class CatalogAppVersion
{
    public long Id { get; set; }

    public Guid CatalogAppId { get; set; }

    public Guid SubmissionId { get; set; }

    public string? Version { get; set; }

    public required string TeamId { get; set; }

    public required string ApprovedByEmail { get; set; }

    public required string PublishedByEmail { get; set; }

    public DateTime PublishedAtUtc { get; set; }
}
