using MasqueDashboard.Features.Scanning.MachO;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;

namespace MasqueDashboard.Features.Scanning;

/// <summary>An app extension (<c>PlugIns/*.appex</c>) as the rules see it.</summary>
public sealed record ExtensionScan(
    string Directory,
    string? BundleId,
    string? ExtensionPoint,
    string? Name,
    string? TeamId);

/// <summary>
/// What the pipeline's stages learned about one package, handed to every rule. Anything a stage could not
/// read is null; rules judge what is there and never throw for what is missing.
/// </summary>
public sealed class ScanContext
{
    public required ScanRequest Request { get; init; }

    public required CatalogSnapshot Catalog { get; init; }

    public required DateTimeOffset ScannedAt { get; init; }

    /// <summary>"Payload/Name.app/".</summary>
    public string? AppDirectory { get; set; }

    public PlistDictionary? InfoPlist { get; set; }

    public ProfileReadResult? Profile { get; set; }

    public string? ExecutablePath { get; set; }

    public string? BinarySha256 { get; set; }

    public long BinarySize { get; set; }

    public MachOFile? Binary { get; set; }

    /// <summary>The slice the rules judge: arm64 when present, else the first.</summary>
    public MachOSlice? PrimarySlice => Binary?.Slices.FirstOrDefault(s => s.Architecture == "arm64") ?? (Binary is { Slices.Count: > 0 } b ? b.Slices[0] : null);

    public SignerVerification? CodeSignature { get; set; }

    /// <summary>The entitlements the main executable is signed with (its XML blob).</summary>
    public PlistDictionary? SignedEntitlements { get; set; }

    public List<ExtensionScan> Extensions { get; } = [];

    public string? BundleId => InfoPlist?.GetString("CFBundleIdentifier");

    public string? CodeDirectoryTeamId => PrimarySlice?.CodeSignature?.PrimaryCodeDirectory.TeamId;

    /// <summary>The signing team: the profile's, else the CodeDirectory's, else the signing leaf's OU.</summary>
    public string? TeamId => Profile?.Profile.TeamId ?? CodeDirectoryTeamId ?? CodeSignature?.Signer?.OrganizationalUnit;

    public IReadOnlyList<string> UrlSchemes =>
        InfoPlist?.GetArray("CFBundleURLTypes")?
            .OfType<PlistDictionary>()
            .SelectMany(t => t.GetStringArray("CFBundleURLSchemes") ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList() ?? [];

    /// <summary>SHA-1 fingerprints of every certificate that signed the package: the code-signing leaf and the profile's developer certificates.</summary>
    public IEnumerable<SigningCertificate> SigningCertificates =>
        (CodeSignature?.Signer is { } leaf ? [leaf] : Array.Empty<SigningCertificate>())
            .Concat(Profile?.Profile.DeveloperCertificates ?? []);

    public string InfoPlistPath => $"{AppDirectory}Info.plist";

    public string ProfilePath => $"{AppDirectory}embedded.mobileprovision";
}

/// <summary>One rule of the built-in scanner (PRODUCT.md §4).</summary>
public interface IScanRule
{
    IEnumerable<Finding> Evaluate(ScanContext context);
}
