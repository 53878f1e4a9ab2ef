using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Components.Fleet;

public sealed class DevicesPageTests : FleetPageContext
{
    private IRenderedComponent<MudBlazor.MudDialogProvider> dialogs = default!;

    private IRenderedComponent<DevicesPage> RenderPage(string address = "devices")
    {
        dialogs = RenderProviders();
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<DevicesPage>();
    }

    private static IReadOnlyList<string> Owners(IRenderedComponent<DevicesPage> page) =>
        page.FindAll("[data-testid=device-owner]").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public async Task The_list_shows_each_devices_facts_state_and_violations()
    {
        await SignInAsAsync(Roles.Auditor);
        await App.AddDeviceAsync("alice@corp.test", os: "7.0.4", supervised: false);
        var bob = await App.AddDeviceAsync("bob@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        await App.AddViolationAsync(bob.Id, ViolationIds.MasqueBundleHijack, "com.example.bank 2.0 is signed by team EVILTEAM01", subject: "com.example.bank");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, Owners(page).Count), Patience);
        var bobRow = page.FindAll("tr").Single(r => r.TextContent.Contains("bob@corp.test", StringComparison.Ordinal));
        Assert.Equal("Quarantined", bobRow.QuerySelector("[data-testid=compliance]")!.TextContent.Trim());
        Assert.Contains("Blocked", bobRow.TextContent, StringComparison.Ordinal);
        Assert.Equal(ViolationIds.MasqueBundleHijack, bobRow.QuerySelector("[data-testid=violation]")!.TextContent.Trim());
        var aliceRow = page.FindAll("tr").Single(r => r.TextContent.Contains("alice@corp.test", StringComparison.Ordinal));
        Assert.Equal("Compliant", aliceRow.QuerySelector("[data-testid=compliance]")!.TextContent.Trim());
        Assert.Contains("7.0.4", aliceRow.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_fleet_says_so()
    {
        await SignInAsAsync(Roles.Auditor);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("No devices match", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Theory]
    [InlineData("devices?compliance=Quarantined", "quarantined@corp.test")]
    [InlineData("devices?ruleId=MASQUE-BUNDLE-HIJACK", "quarantined@corp.test")]
    [InlineData("devices?carrying=com.example.bank", "banker@corp.test")]
    [InlineData("devices?osBelow=7.1", "old@corp.test")]
    [InlineData("devices?supervised=false", "old@corp.test")]
    [InlineData("devices?search=banker", "banker@corp.test")]
    public async Task The_address_presets_a_filter(string address, string onlyOwner)
    {
        await SignInAsAsync(Roles.Auditor);
        var quarantined = await App.AddDeviceAsync("quarantined@corp.test", ComplianceState.Quarantined);
        await App.AddViolationAsync(quarantined.Id, ViolationIds.MasqueBundleHijack, "impostor", subject: "com.example.mail");
        var banker = await App.AddDeviceAsync("banker@corp.test");
        await App.AddAppAsync(banker.Id, "com.example.bank", "Bank", "BANKTEAM01");
        await App.AddDeviceAsync("old@corp.test", ComplianceState.NonCompliant, os: "7.0.6", supervised: false);

        var page = RenderPage(address);

        page.WaitForAssertion(() => Assert.Equal([onlyOwner], Owners(page)), Patience);
    }

    [Fact]
    public async Task Sorting_by_owner_orders_the_whole_fleet_on_the_server()
    {
        await SignInAsAsync(Roles.Auditor);
        foreach (var owner in new[] { "carol@corp.test", "alice@corp.test", "bob@corp.test" })
        {
            await App.AddDeviceAsync(owner);
        }

        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(3, Owners(page).Count), Patience);

        page.FindAll("th").First(th => th.TextContent.Contains("Owner", StringComparison.Ordinal)).QuerySelector(".sortable-column-header")!.Click();

        page.WaitForAssertion(() => Assert.Equal(["alice@corp.test", "bob@corp.test", "carol@corp.test"], Owners(page)), Patience);
    }

    [Fact]
    public async Task The_list_refreshes_itself_when_the_fleet_changes()
    {
        await SignInAsAsync(Roles.Auditor);
        await App.AddDeviceAsync("alice@corp.test");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Single(Owners(page)), Patience);

        await App.AddDeviceAsync("bob@corp.test");
        Services.GetRequiredService<FleetNotifier>().Publish();

        page.WaitForAssertion(() => Assert.Equal(2, Owners(page).Count), Patience);
    }

    [Fact]
    public async Task Following_a_link_with_other_filters_reapplies_them()
    {
        await SignInAsAsync(Roles.Auditor);
        await App.AddDeviceAsync("quarantined@corp.test", ComplianceState.Quarantined);
        await App.AddDeviceAsync("fine@corp.test");
        var page = RenderPage("devices?compliance=Quarantined");
        page.WaitForAssertion(() => Assert.Equal(["quarantined@corp.test"], Owners(page)), Patience);

        Services.GetRequiredService<NavigationManager>().NavigateTo("devices");

        page.WaitForAssertion(() => Assert.Equal(2, Owners(page).Count), Patience);
    }

    [Fact]
    public async Task Auditors_can_neither_select_devices_nor_act_on_them()
    {
        await SignInAsAsync(Roles.Auditor);
        await App.AddDeviceAsync("alice@corp.test");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(Owners(page)), Patience);
        Assert.Empty(page.FindAll("[data-testid=devices-grid] input[type=checkbox]"));
        Assert.Empty(page.FindAll("[data-testid=bulk-bar]"));
    }

    [Fact]
    public async Task Clicking_a_row_opens_the_device()
    {
        await SignInAsAsync(Roles.Auditor);
        var alice = await App.AddDeviceAsync("alice@corp.test");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Single(Owners(page)), Patience);

        await page.InvokeAsync(() => page.Find("[data-testid=device-owner]").Click());

        Assert.EndsWith($"/devices/{alice.Id}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_notifies_the_selected_devices_after_naming_the_count()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        var alice = await App.AddDeviceAsync("alice@corp.test");
        await App.AddDeviceAsync("bob@corp.test");
        var carol = await App.AddDeviceAsync("carol@corp.test");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(3, Owners(page).Count), Patience);

        SelectRow(page, "alice@corp.test");
        SelectRow(page, "carol@corp.test");
        Assert.Contains("2", page.Find("[data-testid=selection-count]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=bulk-Notify]").Click();

        var title = dialogs.WaitForElement("[data-testid=action-title]", Patience);
        Assert.Equal("Notify 2 devices", title.TextContent.Trim());
        Assert.Empty(dialogs.FindAll("[data-testid=action-typed-count]"));
        dialogs.Find("textarea").Input("Please update to iOS 8.1 today.");
        dialogs.Find("[data-testid=action-confirm]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=bulk-bar]")), Patience);
        var commands = await App.WithDbAsync(db => db.DeviceCommands.Where(c => c.Type == CommandType.Notify).ToListAsync());
        Assert.Equal(new[] { alice.Id, carol.Id }.Order(), commands.Select(c => c.DeviceId).Order());
        Assert.All(commands, c => Assert.Contains("Please update to iOS 8.1 today.", c.Payload, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acting_on_more_than_25_devices_needs_their_number_typed_out()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        for (var i = 0; i < 30; i++)
        {
            await App.AddDeviceAsync($"user{i:00}@corp.test");
        }

        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(25, Owners(page).Count), Patience);
        SelectAllOnThePage(page);
        await page.InvokeAsync(() => page.Find("[data-testid=devices-grid] button[aria-label='Next page']").Click());
        page.WaitForAssertion(() => Assert.Equal(5, Owners(page).Count), Patience);
        SelectAllOnThePage(page);
        Assert.Contains("30", page.Find("[data-testid=selection-count]").TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=bulk-SelectiveWipe]").Click();
        dialogs.WaitForElement("[data-testid=action-typed-count]", Patience);
        Assert.Equal("Selectively wipe 30 devices", dialogs.Find("[data-testid=action-title]").TextContent.Trim());
        dialogs.Find("textarea").Input("Masque campaign: corporate data must go.");
        Assert.True(Confirm(dialogs).HasAttribute("disabled"));
        dialogs.Find("input[data-testid=action-typed-count]").Input("25");
        Assert.True(Confirm(dialogs).HasAttribute("disabled"));
        dialogs.Find("input[data-testid=action-typed-count]").Input("30");
        Assert.False(Confirm(dialogs).HasAttribute("disabled"));
        Confirm(dialogs).Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=bulk-bar]")), Patience);
        Assert.Equal(30, await App.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.Type == CommandType.SelectiveWipe)));
    }

    [Fact]
    public async Task Cancelling_the_confirmation_queues_nothing()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        await App.AddDeviceAsync("alice@corp.test");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Single(Owners(page)), Patience);

        SelectRow(page, "alice@corp.test");
        page.Find("[data-testid=bulk-BlockNetwork]").Click();
        dialogs.WaitForElement("[data-testid=action-confirm]", Patience);
        dialogs.Find("textarea").Input("Suspicious traffic from this phone.");
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Single(page.FindAll("[data-testid=bulk-bar]"));
        Assert.Equal(0, await App.WithDbAsync(db => db.DeviceCommands.CountAsync()));
    }

    private static AngleSharp.Dom.IElement Confirm(IRenderedComponent<MudBlazor.MudDialogProvider> dialogs) => dialogs.Find("[data-testid=action-confirm]");

    // Found and changed on the renderer's own thread, so no render (a grid still settling on a slower database) can come
    // between finding an element and raising its event.
    private static void SelectAllOnThePage(IRenderedComponent<DevicesPage> page) =>
        page.InvokeAsync(() => page.Find("[data-testid=devices-grid] thead input[type=checkbox]").Change(true)).GetAwaiter().GetResult();

    private static void SelectRow(IRenderedComponent<DevicesPage> page, string owner) =>
        page.InvokeAsync(() => page.FindAll("tr").Single(r => r.TextContent.Contains(owner, StringComparison.Ordinal)).QuerySelector("input[type=checkbox]")!.Change(true)).GetAwaiter().GetResult();
}
