using System.Text.Json.Serialization;

namespace MasqueDashboard.Features.Scanning;

/// <summary>How bad a finding is (PRODUCT.md §4). Ordered: a higher value is worse.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>The scan's conclusion: Malicious if any Critical, Suspicious if any High, else Clean; Invalid when the package cannot be analysed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    Clean,
    Suspicious,
    Malicious,
    Invalid,
}

/// <summary>
/// One thing the scanner found. <see cref="RuleId"/> is a public contract (<see cref="Rules.RuleIds"/>);
/// <see cref="Evidence"/> names the exact key, value and path inside the package.
/// </summary>
public sealed record Finding(string RuleId, Severity Severity, string Title, string Evidence, string Remediation)
{
    /// <summary>Which reputation service reported it: "built-in", or an external service's name.</summary>
    public string Source { get; init; } = BuiltInSource;

    /// <summary>The file inside the package the finding is about (e.g. <c>Payload/Bank.app/Info.plist</c>), when there is one.</summary>
    public string? Path { get; init; }

    public const string BuiltInSource = "built-in";
}

/// <param name="TeamId">The Apple Team ID the certificate names (its subject's OU), when it has one.</param>
public sealed record CertificateSummary(string Sha1, string Sha256, string Subject, DateTimeOffset NotAfter, string Role, string? TeamId = null);

public sealed record AppSummary(
    string? Name,
    string? DisplayName,
    string? BundleId,
    string? ShortVersion,
    string? BuildVersion,
    string? MinimumOsVersion,
    string? Executable,
    IReadOnlyList<string> UrlSchemes,
    IReadOnlyList<string> QueriedSchemes,
    IReadOnlyList<string> BackgroundModes,
    bool AllowsArbitraryLoads);

public sealed record ProfileSummary(
    string? Name,
    string? Uuid,
    string? TeamId,
    string? TeamName,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? ExpiresAt,
    string Distribution,
    bool ProvisionsAllDevices,
    int ProvisionedDeviceCount,
    bool IsSigned,
    bool SignatureValid,
    bool ChainTrusted);

public sealed record BinarySummary(
    string Sha256,
    long Size,
    IReadOnlyList<string> Architectures,
    bool IsSigned,
    string? CodeDirectoryIdentifier,
    string? CodeDirectoryTeamId,
    bool Pie,
    bool StackCanary,
    bool Arc,
    bool Encrypted);

public sealed record ExtensionSummary(string Path, string? BundleId, string? Name, string? ExtensionPoint, string? TeamId);

public sealed record ScanStage(string Name, long DurationMs, string Outcome);

/// <summary>Everything a scan learned about a package, as stored and exported.</summary>
public sealed record ScanReport
{
    public required string PackageSha256 { get; init; }

    public required long PackageSize { get; init; }

    public required DateTimeOffset ScannedAt { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>0–100 (<see cref="RiskScore"/>); null when the package could not be analysed.</summary>
    public int? RiskScore { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    public AppSummary? App { get; init; }

    public ProfileSummary? Profile { get; init; }

    public string? Distribution { get; init; }

    public string? TeamId { get; init; }

    public IReadOnlyList<CertificateSummary> SignerCertificates { get; init; } = [];

    public BinarySummary? Binary { get; init; }

    public IReadOnlyList<ExtensionSummary> Extensions { get; init; } = [];

    /// <summary>The entitlements the binary is signed with (XML form), keys to JSON-friendly values.</summary>
    public IReadOnlyDictionary<string, object?> Entitlements { get; init; } = new Dictionary<string, object?>();

    public IReadOnlyList<ScanStage> Timeline { get; init; } = [];

    /// <summary>Things a reader should know that are not findings (e.g. an external service that did not answer).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// The documented risk score: each finding adds its severity's weight (Critical 60, High 25, Medium 10,
/// Low 3, Info 0), capped at 100. One Critical already scores 60; two Highs and a Medium score 60 too.
/// </summary>
public static class RiskScore
{
    public static int Weight(Severity severity) => severity switch
    {
        Severity.Critical => 60,
        Severity.High => 25,
        Severity.Medium => 10,
        Severity.Low => 3,
        _ => 0,
    };

    public static int Compute(IEnumerable<Finding> findings) => Math.Min(100, findings.Sum(f => Weight(f.Severity)));

    public static Verdict VerdictOf(IReadOnlyCollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Any(f => f.RuleId == Rules.RuleIds.PackageInvalid))
        {
            return Verdict.Invalid;
        }

        return findings.Any(f => f.Severity == Severity.Critical) ? Verdict.Malicious
            : findings.Any(f => f.Severity == Severity.High) ? Verdict.Suspicious
            : Verdict.Clean;
    }
}
