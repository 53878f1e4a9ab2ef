using System.Security.Claims;
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
        return api;
    }

    private static async Task<Ok<AuditVerification>> VerifyAsync(ClaimsPrincipal user, HttpContext context, IAuditLog audit, CancellationToken cancellationToken)
    {
        var result = await audit.VerifyAsync(cancellationToken: cancellationToken);
        await audit.RecordAsync(AuditActor.From(user, context.Connection.RemoteIpAddress?.ToString()), AuditActions.AuditVerified, "audit-trail",
            new { result.IsIntact, result.EventCount, result.HeadSequence, result.FirstBrokenSequence, via = "api" }, cancellationToken);
        return TypedResults.Ok(result);
    }
}
