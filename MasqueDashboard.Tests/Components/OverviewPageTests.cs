using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Overview;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Components;

public sealed class OverviewPageTests : FleetPageContext
{
    private IRenderedComponent<Overview> RenderOverview()
    {
        AddAppService<OverviewService>();
        var page = Render<Overview>();
        page.WaitForElement("[data-testid=card-roles]", Patience);
        return page;
    }

    private static string Value(IRenderedComponent<Overview> page, string card) =>
        page.Find($"[data-testid={card}] [data-testid=value]").TextContent.Trim();

    [Fact]
    public async Task Fleet_readers_see_the_fleet_cards_and_charts()
    {
        await SignInAsAsync(Roles.Auditor);
        await App.AddDeviceAsync("fine@corp.test");
        var masqued = await App.AddDeviceAsync("masqued@corp.test", ComplianceState.Quarantined);
        await App.AddViolationAsync(masqued.Id, ViolationIds.MasqueBundleHijack, "impostor", subject: "com.example.bank");

        var page = RenderOverview();

        Assert.Equal("2", Value(page, "card-devices"));
        Assert.Equal("50 %", Value(page, "card-compliance"));
        Assert.Equal("1", Value(page, "card-quarantined"));
        Assert.Equal("devices?compliance=Quarantined", page.Find("[data-testid=card-quarantined] a").GetAttribute("href"));
        Assert.Equal("0", Value(page, "card-pending-wipes"));
        Assert.NotNull(page.Find("[data-testid=chart-compliance]"));
        Assert.NotNull(page.Find("[data-testid=chart-os-versions]"));
        Assert.NotNull(page.Find("[data-testid=chart-violations]"));
        Assert.NotNull(page.Find("[data-testid=chart-compliance-history]"));
        Assert.Contains("No Masque app seen on a device", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Masque_detections_on_devices_are_charted_per_day()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        await App.AddDeviceAsync("fine@corp.test");
        await App.WithDbAsync(async db =>
        {
            db.FleetDailyStats.Add(new() { Day = DateOnly.FromDateTime(App.Time.GetUtcNow().UtcDateTime), Key = "new:MASQUE-BUNDLE-HIJACK", Count = 3 });
            return await db.SaveChangesAsync();
        });

        var page = RenderOverview();

        Assert.NotNull(page.Find("[data-testid=chart-device-detections]"));
        var spec = Overview.DeviceDetectionChart(await App.WithScopeAsync(async sp =>
            await sp.GetRequiredService<MasqueDashboard.Features.Fleet.FleetService>().HistoryAsync(await App.ForAsync(await App.CreateUserAsync("a2@corp.test", Roles.Auditor)), 14)));
        Assert.Equal(3, spec.Series[0].Data[^1]);
    }

    [Fact]
    public async Task Audit_readers_see_the_open_login_alerts_linking_to_the_login_page()
    {
        await SignInAsAsync(Roles.Auditor);
        var recorder = App.App.GetRequiredService<MasqueDashboard.Features.Audit.Logins.SignInRecorder>();
        for (var i = 0; i < 5; i++)
        {
            await recorder.RecordFailureAsync(new MasqueDashboard.Features.Audit.AuditActor("victim@corp.test", null, "10.0.0.1"), "email:victim@corp.test", "unknown-user", null);
        }

        var page = RenderOverview();

        Assert.Equal("1", Value(page, "card-login-alerts"));
        Assert.Equal("audit/logins", page.Find("[data-testid=card-login-alerts] a").GetAttribute("href"));
    }

    [Fact]
    public async Task An_empty_fleet_shows_the_cards_and_says_no_device_is_enrolled()
    {
        await SignInAsAsync(Roles.EmmAdmin);

        var page = RenderOverview();

        Assert.Equal("0", Value(page, "card-devices"));
        Assert.Equal("—", Value(page, "card-compliance"));
        Assert.Contains("No devices enrolled yet", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=chart-compliance]"));
    }

    [Fact]
    public async Task Developers_get_no_fleet_cards()
    {
        await SignInAsAsync(Roles.Developer);
        await App.AddDeviceAsync("fine@corp.test");

        var page = RenderOverview();

        Assert.Empty(page.FindAll("[data-testid=card-devices]"));
        Assert.Empty(page.FindAll("[data-testid=chart-compliance]"));
        Assert.Empty(page.FindAll("[data-testid=card-login-alerts]"));
    }
}
