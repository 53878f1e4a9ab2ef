namespace MasqueDashboard.Features.Signers;

/// <summary>One of the organisation's own signing teams (PRODUCT.md §5): enterprise builds from it are trusted.</summary>
public sealed class TrustedSigner
{
    /// <summary>Apple Team ID: 10 upper-case letters or digits.</summary>
    public required string TeamId { get; set; }

    public required string Name { get; set; }

    /// <summary>A certificate named when the signer was trusted (lower-case hex SHA-1), if any.</summary>
    public string? CertificateSha1 { get; set; }

    public required string AddedBy { get; set; }

    public DateTime AddedAtUtc { get; set; }
}

/// <summary>A signing certificate found abused: every app it signed is disabled (PRODUCT.md §5).</summary>
public sealed class RevokedCertificate
{
    /// <summary>Lower-case hex SHA-1 fingerprint.</summary>
    public required string Sha1 { get; set; }

    public required string Reason { get; set; }

    public required string RevokedBy { get; set; }

    public DateTime RevokedAtUtc { get; set; }
}
