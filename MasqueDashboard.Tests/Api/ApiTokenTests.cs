using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Api;

public sealed class ApiTokenTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public ApiTokenTests(MasqueAppFactory app) => this.app = app;

    [Fact]
    public async Task Anonymous_api_calls_get_401_problem_details_not_a_login_redirect()
    {
        using var client = app.CreateNoRedirectClient();

        var response = await client.GetAsync("api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_token_gets_401()
    {
        using var client = app.CreateBearerClient("mdt_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_session_cookie_does_not_open_the_api()
    {
        await app.CreateUserAsync("cookie@api.test", Roles.EmmAdmin);
        using var client = await app.SignInAsync("cookie@api.test");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_acts_with_its_owners_roles_and_records_its_use()
    {
        var id = await app.CreateUserAsync("owner@api.test", Roles.Auditor);
        var token = await app.IssueTokenAsync(id);
        using var client = app.CreateBearerClient(token);

        var me = await client.GetFromJsonAsync<MeResponse>("api/v1/me");

        Assert.Equal("owner@api.test", me!.Email);
        Assert.Equal([Roles.Auditor], me.Roles);
        var stored = await app.WithDbAsync(db => db.ApiTokens.SingleAsync(t => t.UserId == id));
        Assert.NotNull(stored.LastUsedAtUtc);
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(ApiTokenService.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, await app.WithDbAsync(db => db.ApiTokens.Select(t => t.TokenHash + t.Prefix + t.Name).ToListAsync()));
    }

    [Fact]
    public async Task A_revoked_token_gets_401_and_the_revocation_is_audited()
    {
        var id = await app.CreateUserAsync("revoker@api.test", Roles.Developer);
        var issued = await app.App.GetRequiredService<ApiTokenService>().IssueAsync(id, "ci", AuditActor.System);
        using var client = app.CreateBearerClient(issued.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/me")).StatusCode);

        await app.App.GetRequiredService<ApiTokenService>().RevokeAsync(await app.ForAsync(id), issued.Id, "127.0.0.1");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/me")).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.TokenRevoked && e.Target == $"user:{id}")));
    }

    [Fact]
    public async Task Nobody_revokes_another_users_token()
    {
        var owner = await app.CreateUserAsync("victim@tokens.test", Roles.Developer);
        var other = await app.CreateUserAsync("other@tokens.test", Roles.EmmAdmin);
        var issued = await app.App.GetRequiredService<ApiTokenService>().IssueAsync(owner, "ci", AuditActor.System);

        var intruder = await app.ForAsync(other);

        await Assert.ThrowsAsync<MasqueDashboard.Infrastructure.DomainException>(() =>
            app.App.GetRequiredService<ApiTokenService>().RevokeAsync(intruder, issued.Id, null));

        using var client = app.CreateBearerClient(issued.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_locked_out_owners_token_stops_working()
    {
        var id = await app.CreateUserAsync("locked@api.test", Roles.Auditor);
        var token = await app.IssueTokenAsync(id);
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@api-lock.test", Roles.EmmAdmin));
        await app.WithScopeAsync(async s => { await s.GetRequiredService<UserAdministrationService>().LockAsync(admin, id, null); return true; });

        using var client = app.CreateBearerClient(token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/me")).StatusCode);
    }
}
