using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Users;

/// <summary>Security:RequireTwoFactorForPrivilegedRoles = true, as outside Development.</summary>
public sealed class TwoFactorRequirementTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Security:RequireTwoFactorForPrivilegedRoles", "true");

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task A_privileged_user_without_two_factor_is_refused_until_enrolled()
    {
        var adminId = await app.CreateUserAsync("admin@2fa.test", Roles.EmmAdmin);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(async s =>
            await s.GetRequiredService<UserAdministrationService>().CreateAsync(await app.ForAsync(adminId), "a@2fa.test", [Roles.Auditor], null, null)));
        Assert.Equal(TwoFactorEnrolledRequirement.FailureMessage, refusal.Message);

        await app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<ApplicationUser>>();
            return await users.SetTwoFactorEnabledAsync((await users.FindByIdAsync(adminId))!, true);
        });
        var created = await app.WithScopeAsync(async s =>
            await s.GetRequiredService<UserAdministrationService>().CreateAsync(await app.ForAsync(adminId), "b@2fa.test", [Roles.Auditor], null, null));
        Assert.Equal("b@2fa.test", created.Email);
    }

    [Fact]
    public async Task The_users_page_sends_a_privileged_user_without_two_factor_to_enrol()
    {
        await app.CreateUserAsync("admin@2fa-page.test", Roles.EmmAdmin);
        using var client = await app.SignInAsync("admin@2fa-page.test");

        var response = await client.GetAsync("admin/users");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("forbidden-title", html, StringComparison.Ordinal);
        Assert.Contains("Account/Manage/TwoFactorAuthentication", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_refuses_a_privileged_token_without_two_factor_and_says_why()
    {
        var adminId = await app.CreateUserAsync("admin@2fa-api.test", Roles.EmmAdmin);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(adminId));

        var response = await client.GetAsync("api/v1/users");

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TwoFactorEnrolledRequirement.FailureMessage, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reading_roles_need_no_two_factor()
    {
        await app.CreateUserAsync("auditor@2fa-read.test", Roles.Auditor);
        using var client = await app.SignInAsync("auditor@2fa-read.test");

        var html = await client.GetStringAsync("audit/trail");

        Assert.DoesNotContain("forbidden-title", html, StringComparison.Ordinal);
        Assert.Contains("Audit trail", html, StringComparison.Ordinal);
    }
}
