using System.Security.Claims;
using MasqueDashboard.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Support;

public static class Principals
{
    /// <summary>The principal a signed-in user would carry, built by the app's own claims factory.</summary>
    public static async Task<ClaimsPrincipal> ForAsync(this MasqueAppFactory app, string userId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.App.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("no such user");
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
    }

    public static async Task<T> WithScopeAsync<T>(this MasqueAppFactory app, Func<IServiceProvider, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = app.App.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}
