using System.Net;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Api;

/// <summary>Who may open which page and call which endpoint — enforced by the server, role by role.</summary>
public sealed class AccessMatrixTests : IClassFixture<MasqueAppFactory>
{
    private const string D = Roles.Developer;
    private const string R = Roles.SecurityReviewer;
    private const string A = Roles.EmmAdmin;
    private const string U = Roles.Auditor;

    private readonly MasqueAppFactory app;

    public AccessMatrixTests(MasqueAppFactory app) => this.app = app;

    public static TheoryData<string, string, bool> Pages => new()
    {
        { "", D, true }, { "", R, true }, { "", A, true }, { "", U, true },
        { "settings/tokens", D, true }, { "settings/tokens", R, true }, { "settings/tokens", A, true }, { "settings/tokens", U, true },
        { "admin/users", D, false }, { "admin/users", R, false }, { "admin/users", A, true }, { "admin/users", U, false },
        { "audit/trail", D, false }, { "audit/trail", R, false }, { "audit/trail", A, true }, { "audit/trail", U, true },
        { "audit/logins", D, false }, { "audit/logins", R, false }, { "audit/logins", A, true }, { "audit/logins", U, true },
        { "audit/reports", D, false }, { "audit/reports", R, false }, { "audit/reports", A, true }, { "audit/reports", U, true },
        { "apps/upload", D, true }, { "apps/upload", R, false }, { "apps/upload", A, true }, { "apps/upload", U, false },
        { "apps/submissions", D, true }, { "apps/submissions", R, true }, { "apps/submissions", A, true }, { "apps/submissions", U, true },
        { "scanner/known-bad", D, false }, { "scanner/known-bad", R, false }, { "scanner/known-bad", A, true }, { "scanner/known-bad", U, true },
        { "reviews", D, false }, { "reviews", R, true }, { "reviews", A, false }, { "reviews", U, false },
        { "catalog", D, true }, { "catalog", R, true }, { "catalog", A, true }, { "catalog", U, true },
        { "signers", D, false }, { "signers", R, false }, { "signers", A, true }, { "signers", U, true },
        { "devices", D, false }, { "devices", R, false }, { "devices", A, true }, { "devices", U, true },
        { "devices?compliance=Quarantined", D, false }, { "devices?compliance=Quarantined", R, false }, { "devices?compliance=Quarantined", A, true }, { "devices?compliance=Quarantined", U, true },
        { "devices/424242", D, false }, { "devices/424242", R, false }, { "devices/424242", A, true }, { "devices/424242", U, true },
        { "quarantine", D, false }, { "quarantine", R, false }, { "quarantine", A, true }, { "quarantine", U, true },
        { "compliance", D, false }, { "compliance", R, false }, { "compliance", A, true }, { "compliance", U, true },
    };

    public static TheoryData<string, string, HttpStatusCode> Endpoints => new()
    {
        { "api/v1/me", D, HttpStatusCode.OK }, { "api/v1/me", R, HttpStatusCode.OK }, { "api/v1/me", A, HttpStatusCode.OK }, { "api/v1/me", U, HttpStatusCode.OK },
        { "api/v1/users", D, HttpStatusCode.Forbidden }, { "api/v1/users", R, HttpStatusCode.Forbidden }, { "api/v1/users", A, HttpStatusCode.OK }, { "api/v1/users", U, HttpStatusCode.Forbidden },
        { "api/v1/audit/verify", D, HttpStatusCode.Forbidden }, { "api/v1/audit/verify", R, HttpStatusCode.Forbidden }, { "api/v1/audit/verify", A, HttpStatusCode.OK }, { "api/v1/audit/verify", U, HttpStatusCode.OK },
        { "api/v1/submissions", D, HttpStatusCode.OK }, { "api/v1/submissions", R, HttpStatusCode.OK }, { "api/v1/submissions", A, HttpStatusCode.OK }, { "api/v1/submissions", U, HttpStatusCode.OK },
        { "api/v1/reviews", D, HttpStatusCode.Forbidden }, { "api/v1/reviews", R, HttpStatusCode.OK }, { "api/v1/reviews", A, HttpStatusCode.Forbidden }, { "api/v1/reviews", U, HttpStatusCode.Forbidden },
        { "api/v1/audit/events?format=csv", D, HttpStatusCode.Forbidden }, { "api/v1/audit/events?format=csv", R, HttpStatusCode.Forbidden }, { "api/v1/audit/events?format=csv", A, HttpStatusCode.OK }, { "api/v1/audit/events?format=csv", U, HttpStatusCode.OK },
        { "api/v1/catalog", D, HttpStatusCode.OK }, { "api/v1/catalog", R, HttpStatusCode.OK }, { "api/v1/catalog", A, HttpStatusCode.OK }, { "api/v1/catalog", U, HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Pages_render_only_for_roles_that_hold_their_capability(string path, string role, bool allowed)
    {
        var email = $"{role}-{Guid.NewGuid():N}@pages.test";
        await app.CreateUserAsync(email, role);
        using var client = await app.SignInAsync(email);

        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(!allowed, html.Contains("forbidden-title", StringComparison.Ordinal));
        if (allowed)
        {
            Assert.Contains("page-title", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("settings/tokens")]
    [InlineData("admin/users")]
    [InlineData("audit/trail")]
    [InlineData("audit/logins")]
    [InlineData("audit/exports/download?format=csv")]
    [InlineData("audit/reports")]
    [InlineData("audit/reports/PrivilegedSignIns.csv")]
    [InlineData("audit/exports/00000000-0000-0000-0000-000000000001/manifest.json")]
    [InlineData("devices/1/evidence?format=pdf")]
    [InlineData("apps/upload")]
    [InlineData("apps/submissions")]
    [InlineData("scanner/known-bad")]
    [InlineData("reviews")]
    [InlineData("catalog")]
    [InlineData("signers")]
    [InlineData("devices")]
    [InlineData("devices/1")]
    [InlineData("quarantine")]
    [InlineData("compliance")]
    [InlineData("Account/Manage")]
    public async Task Anonymous_visitors_are_sent_to_the_login_page(string path)
    {
        using var client = app.CreateNoRedirectClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(D, HttpStatusCode.Forbidden)]
    [InlineData(R, HttpStatusCode.Forbidden)]
    [InlineData(A, HttpStatusCode.OK)]
    [InlineData(U, HttpStatusCode.OK)]
    public async Task Console_audit_export_downloads_answer_by_capability(string role, HttpStatusCode expected)
    {
        var email = $"{role}-{Guid.NewGuid():N}@downloads.test";
        await app.CreateUserAsync(email, role);
        using var client = await app.SignInAsync(email);

        var response = await client.GetAsync("audit/exports/download?format=csv");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_login_page_is_open_to_anonymous_visitors_and_offers_no_registration()
    {
        using var client = app.CreateNoRedirectClient();

        var response = await client.GetAsync("Account/Login");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Register", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Account/Register")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoints_answer_by_capability(string path, string role, HttpStatusCode expected)
    {
        var id = await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@api.test", role);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(id));

        var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("api/v1/me")]
    [InlineData("api/v1/users")]
    [InlineData("api/v1/audit/verify")]
    [InlineData("api/v1/audit/events?format=json")]
    [InlineData("api/v1/audit/exports/00000000-0000-0000-0000-000000000001/manifest")]
    [InlineData("api/v1/devices/1/evidence")]
    [InlineData("api/v1/submissions")]
    [InlineData("api/v1/submissions/00000000-0000-0000-0000-000000000001")]
    [InlineData("api/v1/submissions/00000000-0000-0000-0000-000000000001/report.sarif")]
    public async Task Endpoints_refuse_anonymous_calls_with_401(string path)
    {
        using var client = app.CreateNoRedirectClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }
}
