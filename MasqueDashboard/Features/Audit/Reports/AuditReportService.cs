using System.Globalization;
using System.Security.Claims;
using CsvHelper;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit.Reports;

public enum AuditReportKind
{
    SeparationOfDuties,
    DeviceActions,
    PrivilegedSignIns,
}

/// <param name="Truncated">True when more rows matched than <see cref="AuditReportService.RowCap"/>.</param>
public sealed record AuditReport(AuditReportKind Kind, string Title, IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows, bool Truncated);

/// <summary>
/// Ready-made evidence for auditors: who uploaded, approved and published each catalog app; the quarantine, wipe and
/// network-block actions of a period; and the sign-ins of privileged users in a period.
/// </summary>
public sealed class AuditReportService(IDbContextFactory<MasqueDbContext> contexts, IAuthorizationService authorization, Exports.AuditExportService exports, TimeProvider time)
{
    public const int RowCap = 10_000;

    private static readonly string[] DeviceActionNames =
        [FleetActions.Quarantined, FleetActions.Released, FleetActions.WipeRequested, FleetActions.WipeApproved, FleetActions.WipeDenied];

    private static readonly string[] CommandTypes =
        [nameof(CommandType.SelectiveWipe), nameof(CommandType.FullWipe), nameof(CommandType.BlockNetwork)];

    public static string Title(AuditReportKind kind) => kind switch
    {
        AuditReportKind.SeparationOfDuties => "Separation of duties per published catalog app",
        AuditReportKind.DeviceActions => "Quarantine, wipe and network-block actions",
        _ => "Privileged sign-ins",
    };

    /// <param name="fromUtc">Start of the period (inclusive); the separation-of-duties report ignores the period.</param>
    /// <param name="toUtc">End of the period (exclusive).</param>
    public async Task<AuditReport> RunAsync(ClaimsPrincipal by, AuditReportKind kind, DateTime? fromUtc, DateTime? toUtc, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return kind switch
        {
            AuditReportKind.SeparationOfDuties => await SeparationOfDutiesAsync(db, cancellationToken),
            AuditReportKind.DeviceActions => await DeviceActionsAsync(db, fromUtc, toUtc, cancellationToken),
            AuditReportKind.PrivilegedSignIns => await PrivilegedSignInsAsync(db, fromUtc, toUtc, cancellationToken),
            _ => throw DomainException.Invalid($"Unknown report '{kind}'."),
        };
    }

    /// <summary>
    /// The report as a CSV file with a manifest like the trail's exports (period, row count, SHA-256, chain head),
    /// recorded as an <c>audit.report.exported</c> event.
    /// </summary>
    /// <param name="exportId">The file's id (the page picks it up front so it can link to the manifest).</param>
    public async Task<(byte[] Csv, Exports.AuditExportManifest Manifest)> ExportCsvAsync(ClaimsPrincipal by, string? clientIp, AuditReportKind kind, DateTime? fromUtc, DateTime? toUtc, Guid exportId, CancellationToken cancellationToken = default)
    {
        Exports.AuditChainHead head;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            head = await Exports.AuditExportService.HeadAsync(db, cancellationToken);
        }

        var report = await RunAsync(by, kind, fromUtc, toUtc, cancellationToken);
        var actor = AuditActor.From(by, clientIp);
        using var buffer = new MemoryStream();
        await WriteCsvAsync(report, buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var exportedAt = AuditChain.ToStoredTime(time.GetUtcNow());
        var period = kind == AuditReportKind.SeparationOfDuties ? new Exports.AuditExportFilters(null, null, null, null, null, null) : new Exports.AuditExportFilters(fromUtc, toUtc, null, null, null, null);
        var manifest = new Exports.AuditExportManifest(exportId, $"{kind}-{exportedAt:yyyyMMdd-HHmmss}-{exportId.ToString("N")[..8]}.csv", "csv", "text/csv",
            period, report.Rows.Count, report.Rows.Count, bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), head,
            actor.Name, exportedAt,
            report.Truncated ? $"This report holds the first {RowCap:N0} rows: narrow the period for the rest." : null, kind.ToString());
        await exports.RecordAsync(actor, AuditActions.ReportExported, Exports.AuditExportFormat.Csv, manifest, cancellationToken);
        return (bytes, manifest);
    }

    /// <summary>The report as CSV, formula-looking cells neutralised like the trail's CSV export.</summary>
    public static async Task WriteCsvAsync(AuditReport report, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var csv = CsvWriter.Create(output, Exports.AuditExportWriters.CsvOptions, leaveOpen: true);
        await csv.WriteRecordAsync([.. report.Columns], cancellationToken);
        foreach (var row in report.Rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell);
            }

            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static async Task<AuditReport> SeparationOfDutiesAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        var apps = await (from app in db.CatalogApps.AsNoTracking()
                          join s in db.Submissions.AsNoTracking() on app.CurrentSubmissionId equals s.Id into submissions
                          from s in submissions.DefaultIfEmpty()
                          orderby app.BundleId
                          select new { app, s }).Take(RowCap + 1).ToListAsync(cancellationToken);
        var rows = apps.Take(RowCap).Select(x => new string?[]
        {
            x.app.BundleId, x.app.Name, x.app.CurrentVersion, x.app.Status.ToString(),
            x.s?.UploaderEmail, Time(x.s?.UploadedAtUtc),
            x.s?.ReviewerEmail ?? x.app.ApprovedByEmail, Time(x.s?.ReviewedAtUtc), x.s?.ReviewJustification,
            x.app.ApprovedWithOverride ? "yes" : "no", x.s?.OverrideReason,
            x.app.PublishedByEmail, Time(x.app.PublishedAtUtc),
            ThreeDistinct(x.s?.UploaderEmail, x.s?.ReviewerEmail ?? x.app.ApprovedByEmail, x.app.PublishedByEmail),
        }).ToList();
        return new AuditReport(AuditReportKind.SeparationOfDuties, Title(AuditReportKind.SeparationOfDuties),
            ["bundleId", "name", "version", "status", "uploader", "uploadedAtUtc", "approver", "approvedAtUtc", "justification", "override", "overrideReason", "publisher", "publishedAtUtc", "threeDistinctPeople"],
            rows, apps.Count > RowCap);
    }

    private static async Task<AuditReport> DeviceActionsAsync(MasqueDbContext db, DateTime? fromUtc, DateTime? toUtc, CancellationToken cancellationToken)
    {
        var events = Period(db.AuditEvents.AsNoTracking(), fromUtc, toUtc);
        var typePatterns = CommandTypes.Select(t => $"\"type\":\"{t}\"").ToArray();
        var matched = await events
            .Where(e => DeviceActionNames.Contains(e.Action)
                || (e.Action == FleetActions.CommandQueued
                    && (e.Details.Contains(typePatterns[0]) || e.Details.Contains(typePatterns[1]) || e.Details.Contains(typePatterns[2]))))
            .OrderBy(e => e.Sequence).Take(RowCap + 1).ToListAsync(cancellationToken);
        return EventReport(AuditReportKind.DeviceActions, matched, _ => null);
    }

    private static async Task<AuditReport> PrivilegedSignInsAsync(MasqueDbContext db, DateTime? fromUtc, DateTime? toUtc, CancellationToken cancellationToken)
    {
        string[] privileged = [Roles.EmmAdmin, Roles.SecurityReviewer];
        var holders = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where privileged.Contains(r.Name!)
                             select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var rolesByUser = holders.GroupBy(h => h.UserId).ToDictionary(g => g.Key, g => string.Join(' ', g.Select(h => h.Name).Order(StringComparer.Ordinal)));
        var userIds = rolesByUser.Keys.ToList();
        var matched = await Period(db.AuditEvents.AsNoTracking(), fromUtc, toUtc)
            .Where(e => e.Action == AuditActions.LoginSucceeded && e.ActorId != null && userIds.Contains(e.ActorId))
            .OrderBy(e => e.Sequence).Take(RowCap + 1).ToListAsync(cancellationToken);
        return EventReport(AuditReportKind.PrivilegedSignIns, matched, e => rolesByUser.GetValueOrDefault(e.ActorId!));
    }

    private static AuditReport EventReport(AuditReportKind kind, List<AuditEvent> events, Func<AuditEvent, string?> roles) =>
        new(kind, Title(kind),
            kind == AuditReportKind.PrivilegedSignIns
                ? ["sequence", "occurredAtUtc", "actor", "roles", "action", "clientIp", "details"]
                : ["sequence", "occurredAtUtc", "actor", "action", "target", "clientIp", "details"],
            events.Take(RowCap).Select(e => kind == AuditReportKind.PrivilegedSignIns
                ? new string?[] { e.Sequence.ToString(CultureInfo.InvariantCulture), Time(e.OccurredAtUtc), e.Actor, roles(e), e.Action, e.ClientIp, e.Details }
                : [e.Sequence.ToString(CultureInfo.InvariantCulture), Time(e.OccurredAtUtc), e.Actor, e.Action, e.Target, e.ClientIp, e.Details]).ToList(),
            events.Count > RowCap);

    private static IQueryable<AuditEvent> Period(IQueryable<AuditEvent> events, DateTime? fromUtc, DateTime? toUtc) =>
        new AuditQuery(fromUtc, toUtc).Apply(events);

    private static string? Time(DateTime? t) => t is { } v ? Exports.AuditExportWriters.Time(v) : null;

    private static string ThreeDistinct(params string?[] people) =>
        people.All(p => !string.IsNullOrEmpty(p)) && people.Distinct(StringComparer.OrdinalIgnoreCase).Count() == people.Length ? "yes" : "no";
}
