using System.Security.Claims;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MasqueDashboard.Features.Users;

public sealed record MeResponse(string Id, string Email, IReadOnlyList<string> Roles, bool TwoFactorEnabled);

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/me", GetMe)
            .WithName("GetMe")
            .WithSummary("The user the API token acts for, with their roles.")
            .WithTags("Users");

        api.MapGet("/users", ListUsersAsync)
            .RequireAuthorization(Capabilities.CanManageUsers)
            .WithName("ListUsers")
            .WithSummary("Console users, paged (EmmAdmin).")
            .WithTags("Users");
        return api;
    }

    private static Ok<MeResponse> GetMe(ClaimsPrincipal user) =>
        TypedResults.Ok(new MeResponse(
            user.FindFirstValue(ClaimTypes.NameIdentifier)!,
            user.FindFirstValue(ClaimTypes.Email) ?? user.Identity!.Name!,
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            user.HasClaim(TwoFactorEnrolledRequirement.ClaimType, "true")));

    private static async Task<Ok<Paged<UserRow>>> ListUsersAsync(
        ClaimsPrincipal user, UserAdministrationService administration, string? search, string? role, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await administration.ListAsync(user, new UserQuery(search, role, page ?? 0, pageSize ?? 25), cancellationToken));
}
