using System.Net;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

public sealed class SimulatorPageTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public SimulatorPageTests(MasqueAppFactory app) => this.app = app;

    [Theory]
    [InlineData(Roles.Developer, false)]
    [InlineData(Roles.SecurityReviewer, false)]
    [InlineData(Roles.Auditor, false)]
    [InlineData(Roles.EmmAdmin, true)]
    public async Task The_simulator_page_opens_for_emm_administrators_only(string role, bool allowed)
    {
        var email = $"{role}-{Guid.NewGuid():N}@simulator-page.test";
        await app.CreateUserAsync(email, role);
        using var client = await app.SignInAsync(email);

        var response = await client.GetAsync("fleet/simulator");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(!allowed, html.Contains("forbidden-title", StringComparison.Ordinal));
        Assert.Equal(allowed, html.Contains("trigger-MasqueCampaign", StringComparison.Ordinal));
        // "Testing" leaves the simulator off, and the page says how to turn it on.
        Assert.Equal(allowed, html.Contains("simulator-off", StringComparison.Ordinal));
    }
}
