using System.Globalization;
using System.Security.Claims;
using System.Text;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;

namespace MasqueDashboard.Features.Audit.Exports;

/// <summary>
/// <c>GET /api/v1/audit/events</c> (PRODUCT.md §10) and its manifest, and the same downloads behind the console's cookie.
/// The export is written to a temporary file first (deleted when the response ends), so a failure is a clean problem
/// response rather than a truncated file, and the manifest exists before the first byte is sent.
/// </summary>
public static class AuditExportsApi
{
    public const string ExportIdHeader = "X-Export-Id";
    public const string Sha256Header = "X-Export-Sha256";

    public static RouteGroupBuilder MapAuditExportsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/audit/events", ExportAsync)
            .RequireAuthorization(Capabilities.CanReadAudit)
            .WithName("ExportAuditEvents")
            .WithSummary("Exports the audit events matching the filters (from inclusive, to exclusive, ISO 8601 UTC; actor and target contain; action starts with; text in details), oldest first, as json, csv, xlsx or pdf. The X-Export-Id header names the export's manifest.")
            .WithTags("Audit");
        api.MapGet("/audit/exports/{id:guid}/manifest", ManifestAsync)
            .RequireAuthorization(Capabilities.CanReadAudit)
            .WithName("GetAuditExportManifest")
            .WithSummary("The manifest of an export: filters, row count, SHA-256 of the file, chain head at export time, who and when.")
            .WithTags("Audit");
        return api;
    }

    /// <summary>The console's export downloads (<c>/audit/exports/…</c>): the same service, behind the session cookie.</summary>
    public static IEndpointRouteBuilder MapAuditExportDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Signed in is enough to reach the service, which refuses without CanReadAudit: a 403, not a redirect to AccessDenied.
        var downloads = app.MapGroup("/audit/exports").RequireAuthorization().ExcludeFromDescription()
            .AddEndpointFilter<Infrastructure.Hosting.DomainExceptionFilter>();
        downloads.MapGet("/download", ExportAsync);
        downloads.MapGet("/{id:guid}/manifest.json", async (Guid id, ClaimsPrincipal user, AuditExportService exports, CancellationToken ct) =>
        {
            var (fileName, json) = await exports.GetManifestAsync(user, id, ct);
            return TypedResults.File(Encoding.UTF8.GetBytes(json), "application/json", fileName);
        });
        return app;
    }

    /// <summary>Tells the downloader which manifest proves the file (every file the product hands out has one).</summary>
    public static void NameManifest(HttpResponse response, AuditExportManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(manifest);
        response.Headers[ExportIdHeader] = manifest.Id.ToString();
        response.Headers[Sha256Header] = manifest.Sha256;
    }

    /// <summary>The console's download URL for the trail's current filters.</summary>
    public static string DownloadUrl(AuditQuery query, AuditExportFormat format, Guid exportId)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parts = new List<string> { $"format={AuditExportService.Extension(format)}", $"id={exportId}" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("from", query.FromUtc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add("to", query.ToUtc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add("actor", query.Actor);
        Add("action", query.Action);
        Add("target", query.Target);
        Add("text", query.Text);
        return "/audit/exports/download?" + string.Join('&', parts);
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, ClaimsPrincipal user, AuditExportService exports,
        string? format, string? from, string? to, string? actor, string? action, string? target, string? text, Guid? id,
        CancellationToken cancellationToken)
    {
        var kind = AuditExportService.ParseFormat(format);
        var query = new AuditQuery(ParseTime(from, "from"), ParseTime(to, "to"), actor, action, target, Text: text);
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"masque-audit-export-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var manifest = await exports.ExportAsync(user, context.Connection.RemoteIpAddress?.ToString(), query, kind, file, id ?? Guid.NewGuid(), cancellationToken);
            file.Position = 0;
            NameManifest(context.Response, manifest);
            return TypedResults.Stream(file, manifest.ContentType, manifest.FileName);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static DateTime? ParseTime(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime
        : throw DomainException.Invalid($"'{name}' is not a date or time: use ISO 8601, such as 2026-11-01 or 2026-11-01T12:00:00Z.");

    private static async Task<IResult> ManifestAsync(Guid id, ClaimsPrincipal user, AuditExportService exports, CancellationToken cancellationToken)
    {
        var (_, json) = await exports.GetManifestAsync(user, id, cancellationToken);
        return TypedResults.Text(json, "application/json", Encoding.UTF8);
    }
}
