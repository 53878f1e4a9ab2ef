using System.Security.Claims;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MasqueDashboard.Features.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/audit/verify", VerifyAsync)
            .RequireAuthorization(Capabilities.CanReadAudit)
            .WithName("VerifyAuditTrail")
            .WithSummary("Recomputes the audit trail's hash chain and names the first altered or missing event.")
            .WithTags("Audit");
        api.MapAuditExportsApi();
        return api;
    }

    private static async Task<Ok<AuditVerification>> VerifyAsync(ClaimsPrincipal user, HttpContext context, AuditTrailService trail, CancellationToken cancellationToken) =>
        TypedResults.Ok(await trail.VerifyAsync(user, context.Connection.RemoteIpAddress?.ToString(), progress: null, via: "api", cancellationToken));
}
