using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MasqueDashboard.Features.Fleet.Evidence;

/// <summary>
/// The proof that a control fired on one device (issue 8): its facts and violations now, every command with its
/// timestamps from queued to answered and the audit event that queued it, and every audit event about the device
/// (its compliance history: non-compliant, quarantined, released, wipe requests and decisions), with their hashes.
/// </summary>
public sealed record DeviceEvidence(
    long DeviceId,
    string Udid,
    string SerialNumber,
    string Model,
    string Owner,
    string OsVersion,
    string Compliance,
    string Network,
    DateTime EnrolledAtUtc,
    DateTime? LastCheckInAtUtc,
    IReadOnlyList<EvidenceViolation> Violations,
    IReadOnlyList<EvidenceCommand> Commands,
    IReadOnlyList<EvidenceEvent> Events,
    bool Truncated,
    AuditChainHead ChainHead,
    DateTime GeneratedAtUtc);

public sealed record EvidenceViolation(string PolicyId, string RuleId, string Subject, string Detail, DateTime SinceUtc, int StepsApplied);

/// <param name="QueuedBySequence">The <c>command.queued</c> audit event that records who queued it and why.</param>
public sealed record EvidenceCommand(
    Guid Id, string Type, string Status, string Payload, string Reason, string RequestedBy,
    DateTime QueuedAtUtc, DateTime? SentAtUtc, DateTime? CompletedAtUtc, string? Detail, long? QueuedBySequence);

public sealed record EvidenceEvent(long Sequence, DateTime OccurredAtUtc, string Actor, string Action, string Details, string PreviousHash, string Hash);

public enum EvidenceFormat
{
    Json,
    Pdf,
}

/// <summary>Builds a device's evidence and exports it (JSON or PDF) with a manifest like the audit trail's exports.</summary>
public sealed class DeviceEvidenceService(IDbContextFactory<MasqueDbContext> contexts, AuditExportService exports, IAuthorizationService authorization, TimeProvider time)
{
    /// <summary>At most this many commands and this many events go into one evidence file (the file says when it is cut).</summary>
    public const int Cap = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static EvidenceFormat ParseFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => EvidenceFormat.Json,
        "pdf" => EvidenceFormat.Pdf,
        _ => throw DomainException.Invalid($"Unknown evidence format '{format}': use json or pdf."),
    };

    public async Task<DeviceEvidence> BuildAsync(ClaimsPrincipal by, long deviceId, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var head = await AuditExportService.HeadAsync(db, cancellationToken);
        var device = await db.Devices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deviceId, cancellationToken)
            ?? throw DomainException.NotFound($"No device {deviceId}.");
        var violations = await db.DeviceViolations.AsNoTracking().Where(v => v.DeviceId == deviceId).OrderBy(v => v.SinceUtc)
            .Select(v => new EvidenceViolation(v.PolicyId, v.RuleId, v.Subject, v.Detail, v.SinceUtc, v.StepsApplied))
            .ToListAsync(cancellationToken);
        var commands = await db.DeviceCommands.AsNoTracking().Where(c => c.DeviceId == deviceId).OrderBy(c => c.Number).Take(Cap + 1)
            .ToListAsync(cancellationToken);
        var target = FleetActions.Target(deviceId);
        var upTo = head.Sequence;
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.Target == target && e.Sequence <= upTo).OrderBy(e => e.Sequence).Take(Cap + 1)
            .Select(e => new EvidenceEvent(e.Sequence, e.OccurredAtUtc, e.Actor, e.Action, e.Details, e.PreviousHash, e.Hash))
            .ToListAsync(cancellationToken);
        var truncated = commands.Count > Cap || events.Count > Cap;
        commands = [.. commands.Take(Cap)];
        events = [.. events.Take(Cap)];

        var queuedBy = new Dictionary<Guid, long>();
        foreach (var e in events.Where(e => e.Action == FleetActions.CommandQueued))
        {
            if (CommandIdOf(e.Details) is { } id)
            {
                queuedBy.TryAdd(id, e.Sequence);
            }
        }

        return new DeviceEvidence(device.Id, device.Udid, device.SerialNumber, device.Model, device.Owner, device.OsVersion,
            device.Compliance.ToString(), device.Network.ToString(), device.EnrolledAtUtc, device.LastCheckInAtUtc, violations,
            [.. commands.Select(c => new EvidenceCommand(c.Id, c.Type.ToString(), c.Status.ToString(), c.Payload, c.Reason, c.RequestedBy,
                c.QueuedAtUtc, c.SentAtUtc, c.CompletedAtUtc, c.Detail, queuedBy.TryGetValue(c.Id, out var s) ? s : null))],
            events, truncated, head, AuditChain.ToStoredTime(time.GetUtcNow()));
    }

    /// <summary>The evidence as a file (at most <see cref="Cap"/> commands and events each), its manifest stored and a <c>device.evidence.exported</c> event written.</summary>
    public async Task<(byte[] File, AuditExportManifest Manifest)> ExportAsync(ClaimsPrincipal by, string? clientIp, long deviceId, EvidenceFormat format, Guid exportId, CancellationToken cancellationToken = default)
    {
        var evidence = await BuildAsync(by, deviceId, cancellationToken);
        var bytes = format == EvidenceFormat.Pdf ? Pdf(evidence) : JsonSerializer.SerializeToUtf8Bytes(evidence, Json);
        var extension = format.ToString().ToLowerInvariant();
        var actor = AuditActor.From(by, clientIp);
        var manifest = new AuditExportManifest(exportId,
            $"device-{deviceId}-evidence-{evidence.GeneratedAtUtc:yyyyMMdd-HHmmss}-{exportId.ToString("N")[..8]}.{extension}", extension,
            format == EvidenceFormat.Pdf ? "application/pdf" : "application/json",
            new AuditExportFilters(null, null, null, null, FleetActions.Target(deviceId), null),
            evidence.Commands.Count + evidence.Events.Count, evidence.Commands.Count + evidence.Events.Count, bytes.Length,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), evidence.ChainHead, actor.Name, evidence.GeneratedAtUtc,
            evidence.Truncated ? $"This file holds the first {Cap:N0} commands and events of each kind." : null, "DeviceEvidence");
        await exports.RecordAsync(actor, AuditActions.EvidenceExported, format == EvidenceFormat.Pdf ? AuditExportFormat.Pdf : AuditExportFormat.Json, manifest, cancellationToken);
        return (bytes, manifest);
    }

    internal static Guid? CommandIdOf(string details)
    {
        try
        {
            using var json = JsonDocument.Parse(details);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("command", out var id)
                && id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var guid) ? guid : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Pdf(DeviceEvidence e)
    {
        var builder = new PdfDocumentBuilder();
        var page = new AuditExportWriters.PdfPage(builder, builder.AddStandard14Font(Standard14Font.Helvetica), builder.AddStandard14Font(Standard14Font.HelveticaBold));
        static string T(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
        page.Line($"MasqueDashboard - evidence for device {e.DeviceId}", 14, bold: true);
        page.Line($"{e.Model}, iOS {e.OsVersion}, owner {e.Owner}, serial {e.SerialNumber}, UDID {e.Udid}");
        page.Line($"Now: {e.Compliance}, network {e.Network}; enrolled {T(e.EnrolledAtUtc)} UTC, last check-in {T(e.LastCheckInAtUtc)} UTC");
        page.Line($"Generated {T(e.GeneratedAtUtc)} UTC at chain head event {e.ChainHead.Sequence}, hash {e.ChainHead.Hash}");
        if (e.Truncated)
        {
            page.Line($"This file holds the first {Cap:N0} commands and events of each kind.", bold: true);
        }

        page.Line("");
        page.Line($"Violations now ({e.Violations.Count})", 10, bold: true);
        foreach (var v in e.Violations)
        {
            page.Line($"{v.RuleId,-32} since {T(v.SinceUtc)}   steps applied {v.StepsApplied}   {AuditExportWriters.Clip(v.Detail, 110)}");
        }

        page.Line("");
        page.Line($"Commands ({e.Commands.Count}): queued -> sent -> answered", 10, bold: true);
        page.Line("Type            Status         Queued (UTC)          Sent                  Answered              By event   Requested by / reason", bold: true);
        foreach (var c in e.Commands)
        {
            page.Line($"{c.Type,-15} {c.Status,-14} {T(c.QueuedAtUtc),-21} {T(c.SentAtUtc),-21} {T(c.CompletedAtUtc),-21} {(c.QueuedBySequence?.ToString(CultureInfo.InvariantCulture) ?? "-"),-10} {AuditExportWriters.Clip($"{c.RequestedBy}: {c.Reason}{(c.Detail is null ? "" : $" ({c.Detail})")}", 80)}");
        }

        page.Line("");
        page.Line($"Audit events about the device ({e.Events.Count})", 10, bold: true);
        page.Line("#        Time (UTC)            Actor                          Action                    Details / hash", bold: true);
        foreach (var ev in e.Events)
        {
            page.Line($"{ev.Sequence,-8} {T(ev.OccurredAtUtc)}   {AuditExportWriters.Clip(ev.Actor, 30),-30} {AuditExportWriters.Clip(ev.Action, 25),-25} {AuditExportWriters.Clip(ev.Details, 70)}  {ev.Hash[..16]}");
        }

        return builder.Build();
    }
}
