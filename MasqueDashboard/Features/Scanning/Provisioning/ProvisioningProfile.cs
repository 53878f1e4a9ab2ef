using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// The facts of a provisioning profile (DOMAIN §4), as the plist states them. A key that is absent or of the
/// wrong type reads as null or empty here and is named in <see cref="ProfileReadResult.Problems"/>.
/// </summary>
public sealed record ProvisioningProfile
{
    public string? Name { get; init; }

    public string? AppIdName { get; init; }

    public string? TeamName { get; init; }

    public required IReadOnlyList<string> TeamIdentifiers { get; init; }

    /// <summary>The first of <see cref="TeamIdentifiers"/>, the one the team chain compares (DOMAIN §5.8).</summary>
    public string? TeamId => TeamIdentifiers.Count > 0 ? TeamIdentifiers[0] : null;

    public required IReadOnlyList<string> ApplicationIdentifierPrefix { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public DateTimeOffset? ExpirationDate { get; init; }

    /// <summary>The <c>Platform</c> array (<c>iOS</c>, <c>xrOS</c>, <c>OSX</c>, …); empty when absent.</summary>
    public required IReadOnlyList<string> Platforms { get; init; }

    /// <summary>In-House (enterprise) and macOS Developer ID profiles; false when absent.</summary>
    public bool ProvisionsAllDevices { get; init; }

    /// <summary>Device UDIDs; null when the key is absent, which is what tells App Store from ad hoc.</summary>
    public IReadOnlyList<string>? ProvisionedDevices { get; init; }

    /// <summary>The entitlements allowlist (wildcards allowed, DOMAIN §4); empty when absent.</summary>
    public required PlistDictionary Entitlements { get; init; }

    /// <summary>The <c>get-task-allow</c> entitlement; false when absent.</summary>
    public bool GetTaskAllow { get; init; }

    /// <summary>The <c>application-identifier</c> entitlement (<c>com.apple.application-identifier</c> on macOS).</summary>
    public string? ApplicationIdentifier { get; init; }

    /// <summary>The certificates allowed to sign, in profile order; entries that do not decode are left out and reported.</summary>
    public required IReadOnlyList<SigningCertificate> DeveloperCertificates { get; init; }

    /// <summary>What MDM reports for the profile.</summary>
    public string? Uuid { get; init; }

    /// <summary>Days.</summary>
    public long? TimeToLive { get; init; }

    public long? Version { get; init; }

    public bool? IsXcodeManaged { get; init; }

    /// <summary>True when the profile carries the <c>DER-Encoded-Profile</c> that iOS 15 and later treat as the truth.</summary>
    public bool HasDerEncodedProfile { get; init; }

    /// <summary>
    /// DOMAIN §4's derivation, in order. A profile with no <c>Platform</c> at all is taken as iOS: the key
    /// arrived with multi-platform profiles, and the older iOS profiles in the wild (fastlane's 2015
    /// downloads, for one) lack it.
    /// </summary>
    public DistributionType Distribution =>
        (Platforms.Count == 0 || Platforms.Contains("iOS", StringComparer.Ordinal)) switch
        {
            false => DistributionType.NotIos,
            true when ProvisionsAllDevices => DistributionType.Enterprise,
            true when GetTaskAllow => DistributionType.Development,
            true when ProvisionedDevices is not null => DistributionType.AdHoc,
            true => DistributionType.AppStore,
        };

    /// <summary>
    /// True when <paramref name="certificate"/> is one of <see cref="DeveloperCertificates"/>, compared by
    /// SHA-256 (DOMAIN §5.8: the signing leaf must be in the profile).
    /// </summary>
    public bool AllowsCertificate(SigningCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return DeveloperCertificates.Any(allowed => string.Equals(allowed.Sha256, certificate.Sha256, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when the profile has an expiration date and <paramref name="instant"/> is past it.</summary>
    public bool IsExpiredAt(DateTimeOffset instant) => ExpirationDate is { } expiration && instant > expiration;
}
