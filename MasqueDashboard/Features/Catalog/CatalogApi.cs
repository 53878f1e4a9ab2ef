using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MasqueDashboard.Features.Catalog;

public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/catalog", ListAsync)
            .WithTags("Catalog").WithName("ListCatalog").WithSummary("The Apps@Work catalog: published, retired and revoked apps with their team, version and history.");
        api.MapGet("/catalog/{id:guid}", GetAsync)
            .WithTags("Catalog").WithName("GetCatalogApp").WithSummary("A catalog app with its version history.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<CatalogAppRow>>> ListAsync(ClaimsPrincipal user, CatalogService catalog, string? search, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.ListAsync(user, search, cancellationToken));

    private static async Task<Ok<CatalogAppDetail>> GetAsync(Guid id, ClaimsPrincipal user, CatalogService catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.GetAsync(user, id, cancellationToken));
}
