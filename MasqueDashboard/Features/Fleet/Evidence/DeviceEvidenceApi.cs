using System.Security.Claims;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Infrastructure.Security;

namespace MasqueDashboard.Features.Fleet.Evidence;

/// <summary>
/// A device's evidence file: <c>GET /api/v1/devices/{id}/evidence?format=json|pdf</c> and the console's download
/// behind the session cookie. The manifest is the audit exports' (<c>X-Export-Id</c> names it).
/// </summary>
public static class DeviceEvidenceApi
{
    public static RouteGroupBuilder MapDeviceEvidenceApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/devices/{id:long}/evidence", ExportAsync)
            .RequireAuthorization(Capabilities.CanReadAudit)
            .WithName("ExportDeviceEvidence")
            .WithSummary("One device's evidence (facts, violations, every command from queued to answered with the audit event that queued it, every audit event about the device) as json or pdf; X-Export-Id names its manifest.")
            .WithTags("Devices");
        return api;
    }

    /// <summary>The console's download (<c>/devices/{id}/evidence</c>); the service refuses without CanReadAudit.</summary>
    public static IEndpointRouteBuilder MapDeviceEvidenceDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/devices/{id:long}/evidence", ExportAsync)
            .RequireAuthorization()
            .ExcludeFromDescription()
            .AddEndpointFilter<Infrastructure.Hosting.DomainExceptionFilter>();
        return app;
    }

    public static string DownloadUrl(long deviceId, EvidenceFormat format, Guid exportId) =>
        $"/devices/{deviceId}/evidence?format={format.ToString().ToLowerInvariant()}&exportId={exportId}";

    private static async Task<IResult> ExportAsync(long id, string? format, Guid? exportId, HttpContext context, ClaimsPrincipal user, DeviceEvidenceService evidence, CancellationToken cancellationToken)
    {
        var kind = DeviceEvidenceService.ParseFormat(format);
        var (file, manifest) = await evidence.ExportAsync(user, context.Connection.RemoteIpAddress?.ToString(), id, kind, exportId ?? Guid.NewGuid(), cancellationToken);
        AuditExportsApi.NameManifest(context.Response, manifest);
        return TypedResults.File(file, manifest.ContentType, manifest.FileName);
    }
}
