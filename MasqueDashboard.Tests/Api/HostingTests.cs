using System.Net;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Api;

public sealed class HostingTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public HostingTests(MasqueAppFactory app) => this.app = app;

    [Theory]
    [InlineData("Account/Login")]
    [InlineData("api/v1/me")]
    public async Task Responses_carry_the_security_headers(string path)
    {
        using var client = app.CreateNoRedirectClient();

        var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Pages_carry_no_inline_script_that_the_policy_would_block()
    {
        using var client = app.CreateNoRedirectClient();

        var html = await client.GetStringAsync("Account/Login");

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var client = app.CreateNoRedirectClient();

        var response = await client.GetAsync("openapi/v1.json");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/me", json, StringComparison.Ordinal);
        Assert.Contains("/api/v1/audit/verify", json, StringComparison.Ordinal);
        Assert.DoesNotContain("/Account/Logout", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_front_end_assets_built_from_npm_are_served()
    {
        using var client = app.CreateNoRedirectClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("lib/apexcharts/apexcharts.min.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("lib/masque/charts.js")).StatusCode);
    }
}
