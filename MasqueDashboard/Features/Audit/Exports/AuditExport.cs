namespace MasqueDashboard.Features.Audit.Exports;

public enum AuditExportFormat
{
    Json,
    Csv,
    Xlsx,
    Pdf,
}

/// <summary>A completed export of the audit trail: what was exported, its hash and the manifest handed out with it.</summary>
public sealed class AuditExport
{
    public Guid Id { get; set; }

    public AuditExportFormat Format { get; set; }

    public required string FileName { get; set; }

    public long RowCount { get; set; }

    public required string Sha256 { get; set; }

    public long HeadSequence { get; set; }

    public required string HeadHash { get; set; }

    public required string ExportedBy { get; set; }

    public DateTime ExportedAtUtc { get; set; }

    /// <summary>The manifest JSON exactly as served, so a later download of it is byte-identical.</summary>
    public required string Manifest { get; set; }
}

/// <summary>The filters an export applied, as the manifest records them.</summary>
public sealed record AuditExportFilters(DateTime? FromUtc, DateTime? ToUtc, string? Actor, string? Action, string? Target, string? Text);

/// <summary>The chain's last event when the export started; events after it are not in the file.</summary>
public sealed record AuditChainHead(long Sequence, string Hash);

/// <summary>
/// What accompanies every export (PRODUCT.md §8): enough to show later that a file is the one exported, and
/// which part of the chain it covers. <see cref="Note"/> says when a format capped its rows; <see cref="Report"/>
/// names the ready-made report a file holds (null for the trail's own events).
/// </summary>
public sealed record AuditExportManifest(
    Guid Id,
    string FileName,
    string Format,
    string ContentType,
    AuditExportFilters Filters,
    long RowCount,
    long MatchingRowCount,
    long Bytes,
    string Sha256,
    AuditChainHead ChainHead,
    string ExportedBy,
    DateTime ExportedAtUtc,
    string? Note,
    string? Report = null);
