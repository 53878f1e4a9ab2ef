using System.Globalization;
using System.Security.Claims;
using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Features.Audit.Reports;

/// <summary>
/// The CSV download of <c>/audit/reports</c>, behind the console's cookie. Its manifest is served like the trail's
/// exports, at <c>/audit/exports/{id}/manifest.json</c> (the id is in the <c>X-Export-Id</c> header).
/// </summary>
public static class AuditReportDownloads
{
    public static IEndpointRouteBuilder MapAuditReportDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/audit/reports/{kind}.csv", async (string kind, string? from, string? to, Guid? id, HttpContext context, ClaimsPrincipal user, AuditReportService reports, CancellationToken ct) =>
            {
                if (!Enum.TryParse<AuditReportKind>(kind, ignoreCase: true, out var report) || !Enum.IsDefined(report))
                {
                    throw DomainException.NotFound($"No report '{kind}'.");
                }

                var (csv, manifest) = await reports.ExportCsvAsync(user, context.Connection.RemoteIpAddress?.ToString(), report, Date(from, "from"), Date(to, "to"), id ?? Guid.NewGuid(), ct);
                Exports.AuditExportsApi.NameManifest(context.Response, manifest);
                return TypedResults.File(csv, "text/csv", manifest.FileName);
            })
            .RequireAuthorization()
            .ExcludeFromDescription()
            .AddEndpointFilter<Infrastructure.Hosting.DomainExceptionFilter>();
        return app;
    }

    public static string Url(AuditReportKind kind, DateTime? fromUtc, DateTime? toUtc, Guid? exportId = null)
    {
        var query = new List<string>();
        if (exportId is { } id)
        {
            query.Add($"id={id}");
        }

        if (fromUtc is { } f)
        {
            query.Add($"from={f:yyyy-MM-dd}");
        }

        if (toUtc is { } t)
        {
            query.Add($"to={t:yyyy-MM-dd}");
        }

        return $"audit/reports/{kind}.csv" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    private static DateTime? Date(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime
        : throw DomainException.Invalid($"'{name}' is not a date: use ISO 8601, such as 2026-11-01.");
}
