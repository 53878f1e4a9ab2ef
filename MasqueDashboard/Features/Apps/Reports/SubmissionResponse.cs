using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Features.Apps.Reports;

public sealed record CertificateResponse(string Sha1, string Sha256, string Subject, DateTimeOffset NotAfter);

public sealed record FindingResponse(string RuleId, string Severity, string Title, string Evidence, string Remediation, string Source, string? Path);

/// <summary>The JSON of <c>GET /api/v1/submissions/{id}</c> (PRODUCT.md §10), which is also the JSON report export.</summary>
public sealed record SubmissionResponse(
    Guid Id,
    string Status,
    string Sha256,
    string FileName,
    string Uploader,
    DateTime UploadedAt,
    string? BundleId,
    string? Version,
    string? TeamId,
    string? Distribution,
    string? Verdict,
    int? RiskScore,
    IReadOnlyList<CertificateResponse> SignerCertificates,
    IReadOnlyList<FindingResponse> Findings,
    ReviewRecord? Review,
    ScanReport? Report)
{
    public static SubmissionResponse From(SubmissionDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var s = detail.Summary;
        var report = detail.Report;
        return new SubmissionResponse(
            s.Id,
            s.Status.ToString(),
            detail.PackageSha256,
            s.FileName,
            s.UploaderEmail,
            DateTime.SpecifyKind(s.UploadedAtUtc, DateTimeKind.Utc),
            s.BundleId,
            s.Version,
            report?.TeamId,
            report?.Distribution,
            s.Verdict?.ToString(),
            s.RiskScore,
            report?.SignerCertificates.Select(c => new CertificateResponse(c.Sha1, c.Sha256, c.Subject, c.NotAfter)).ToList() ?? [],
            report?.Findings.Select(f => new FindingResponse(f.RuleId, f.Severity.ToString(), f.Title, f.Evidence, f.Remediation, f.Source, f.Path)).ToList() ?? [],
            detail.Review,
            report);
    }
}
