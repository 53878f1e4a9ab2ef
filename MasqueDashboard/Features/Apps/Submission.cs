using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Features.Apps;

/// <summary>The lifecycle of PRODUCT.md §3. Stored by name.</summary>
public enum SubmissionStatus
{
    Uploaded,
    Queued,
    Scanning,
    Scanned,
    Approved,
    Rejected,
    Published,
    Retired,
    Revoked,
    Invalid,
    Failed,
}

/// <summary>One uploaded build and what the scanner concluded about it.</summary>
public sealed class Submission
{
    /// <summary>The <see cref="UploaderId"/> of demo data (Development only): a published build with no package and no report.</summary>
    public const string DemoUploaderId = "demo-seed";

    public Guid Id { get; set; }

    /// <summary>Seeded demo data: there is no package to scan.</summary>
    public bool IsDemo => UploaderId == DemoUploaderId;

    public required string UploaderId { get; set; }

    public required string UploaderEmail { get; set; }

    public DateTime UploadedAtUtc { get; set; }

    public required string FileName { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Lower-case hex SHA-256 of the package: its name in content-addressed storage.</summary>
    public required string PackageSha256 { get; set; }

    /// <summary>The first submission of the same bytes, when this one is a re-upload.</summary>
    public Guid? DuplicateOfId { get; set; }

    public SubmissionStatus Status { get; set; }

    public string? StatusReason { get; set; }

    public DateTime StatusChangedAtUtc { get; set; }

    public int ScanAttempts { get; set; }

    /// <summary>The instance scanning it now (<see cref="Infrastructure.ClusterBus.InstanceId"/>); null unless <see cref="SubmissionStatus.Scanning"/>.</summary>
    public string? ScanLeaseOwner { get; set; }

    /// <summary>When the scanning instance's lease runs out: renewed while it scans, so a dead instance's scan is taken over after it.</summary>
    public DateTime? ScanLeaseExpiresAtUtc { get; set; }

    public DateTime? ScannedAtUtc { get; set; }

    public string? AppName { get; set; }

    public string? BundleId { get; set; }

    public string? Version { get; set; }

    public string? TeamId { get; set; }

    public string? Distribution { get; set; }

    /// <summary>The UUID of the embedded provisioning profile, from the latest scan: devices reporting it run a catalog build's profile.</summary>
    public string? ProfileUuid { get; set; }

    public Verdict? Verdict { get; set; }

    public int? RiskScore { get; set; }

    /// <summary>The whole <see cref="ScanReport"/> as JSON; findings are also rows, for queries.</summary>
    public string? ReportJson { get; set; }

    public List<SubmissionFinding> Findings { get; set; } = [];

    /// <summary>Declared URL schemes, space-separated with a space at each end (" a b "), so a scheme can be matched whole.</summary>
    public string UrlSchemes { get; set; } = " ";

    /// <summary>Extension bundle ids, space-separated with a space at each end.</summary>
    public string ExtensionBundleIds { get; set; } = " ";

    /// <summary>The certificates that signed the package (from the latest scan), for signer and revocation queries.</summary>
    public List<SubmissionSigner> Signers { get; set; } = [];

    /// <summary>Set while a re-evaluation (catalog or signer change) rescans a decided submission: the status to return to.</summary>
    public SubmissionStatus? StatusBeforeRescan { get; set; }

    public string? ReviewerId { get; set; }

    public string? ReviewerEmail { get; set; }

    public DateTime? ReviewedAtUtc { get; set; }

    public string? ReviewJustification { get; set; }

    /// <summary>Set when a Suspicious or Malicious verdict was approved anyway: flagged wherever the app appears.</summary>
    public string? OverrideReason { get; set; }

    /// <summary>The verdict the reviewer decided on; a later rescan that worsens it returns the submission to review.</summary>
    public Verdict? ReviewedVerdict { get; set; }

    public string? PublisherId { get; set; }

    public string? PublisherEmail { get; set; }

    public DateTime? PublishedAtUtc { get; set; }
}

/// <summary>A certificate that signed a submission's package.</summary>
public sealed class SubmissionSigner
{
    public long Id { get; set; }

    public Guid SubmissionId { get; set; }

    /// <summary>Lower-case hex.</summary>
    public required string Sha1 { get; set; }

    public required string Sha256 { get; set; }

    public required string Subject { get; set; }

    public string? TeamId { get; set; }

    public DateTime NotAfterUtc { get; set; }

    public required string Role { get; set; }
}

/// <summary>A finding of the latest scan of a submission, as a row (counted, filtered, charted).</summary>
public sealed class SubmissionFinding
{
    public long Id { get; set; }

    public Guid SubmissionId { get; set; }

    public required string RuleId { get; set; }

    public Severity Severity { get; set; }

    public required string Title { get; set; }

    public required string Evidence { get; set; }

    public required string Remediation { get; set; }

    public required string Source { get; set; }
}
