using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MasqueDashboard.Features.Signers;

public sealed record TrustSignerRequest(string? TeamId, string? Name, string? CertificateSha1);

public sealed record RevokeRequest(string? Reason);

public static class SignersApi
{
    public static RouteGroupBuilder MapSignersApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/signers").WithTags("Signers");
        group.MapGet("", OverviewAsync).WithName("ListSigners").WithSummary("Trusted signers, certificates seen from untrusted teams, and revoked certificates.");
        group.MapPost("", TrustAsync).WithName("TrustSigner").WithSummary("Trusts a signing team (EmmAdmin).");
        group.MapGet("/{sha1}/impact", ImpactAsync).WithName("RevocationImpact").WithSummary("What revoking the certificate would touch.");
        group.MapPost("/{sha1}/revoke", RevokeAsync).WithName("RevokeCertificate")
            .WithSummary("Revokes a certificate: its catalog apps become Revoked and the submissions it signed are re-evaluated (EmmAdmin).");
        return api;
    }

    private static async Task<Ok<SignersOverview>> OverviewAsync(ClaimsPrincipal user, SignerService signers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await signers.OverviewAsync(user, cancellationToken));

    private static async Task<Created> TrustAsync(TrustSignerRequest request, HttpContext context, ClaimsPrincipal user, SignerService signers, CancellationToken cancellationToken)
    {
        await signers.TrustAsync(user, request.TeamId ?? "", request.Name ?? "", request.CertificateSha1, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Created($"/api/v1/signers#{request.TeamId}");
    }

    private static async Task<Ok<RevocationImpact>> ImpactAsync(string sha1, ClaimsPrincipal user, SignerService signers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await signers.ImpactOfRevocationAsync(user, sha1, cancellationToken));

    private static async Task<Ok<CertificateRevoked>> RevokeAsync(string sha1, RevokeRequest request, HttpContext context, ClaimsPrincipal user, SignerService signers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await signers.RevokeAsync(user, sha1, request.Reason ?? "", context.Connection.RemoteIpAddress?.ToString(), cancellationToken));
}
