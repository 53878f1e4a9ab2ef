using System.Net;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Tests.Features.Fleet.Simulator;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>The simulator's app (simulator on, demo accounts and catalog) on Kestrel at 127.0.0.1, with Chromium.</summary>
public sealed class SimulatorBrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    // Every simulated device reports signer data here, so the campaign's devices all show MASQUE-BUNDLE-HIJACK; the
    // MDM-only path (APP-NOT-FROM-CATALOG) is exercised by MasqueCampaignTests.
    public SimulatorAppFactory App { get; } = (SimulatorAppFactory)new SimulatorAppFactory().With("Fleet:Simulator:MdmOnlyPercent", "0");

    public IBrowser? Browser { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (BrowserFixture.ChromiumMissing)
        {
            return;
        }

        App.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
        }

        playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        App.Dispose();
    }
}

/// <summary>An EMM administrator sets a Masque campaign loose from the simulator page and is shown where its devices went.</summary>
public sealed class SimulatorEndToEndTests(SimulatorBrowserFixture browser) : IClassFixture<SimulatorBrowserFixture>
{
    [SkippableFact]
    public async Task An_administrator_triggers_a_masque_campaign_watches_the_devices_quarantined_and_released_after_removal()
    {
        if (BrowserFixture.ChromiumMissing && SharedFixtures.IsCi)
        {
            throw new InvalidOperationException($"{BrowserFixture.ChromiumPath} is required when CI=true.");
        }

        Skip.If(BrowserFixture.ChromiumMissing, $"{BrowserFixture.ChromiumPath} is absent: end-to-end tests skipped.");
        await browser.App.Simulator.CheckInAllAsync();
        var (context, page) = await SignInAsync("admin@masque.test");

        await Chromium.OpenAsync(page, browser.BaseUrl + "fleet/simulator");
        await Assertions.Expect(page.GetByTestId("simulator-state")).ToContainTextAsync("Running");
        await page.Locator("input[data-testid=scenario-count], [data-testid=scenario-count] input").FillAsync("4");
        await page.GetByTestId("trigger-MasqueCampaign").ClickAsync();
        await page.GetByTestId("confirm").ClickAsync();

        var result = page.GetByTestId("scenario-result");
        await Assertions.Expect(result).ToContainTextAsync("on 4 device(s)", new() { Timeout = 30_000 });
        await Assertions.Expect(result).ToContainTextAsync("4 quarantined");
        await Assertions.Expect(result.GetByTestId("rule-link-MASQUE-BUNDLE-HIJACK")).ToHaveAttributeAsync("href", "devices?ruleId=MASQUE-BUNDLE-HIJACK");

        // The fleet table shows the infected devices, quarantined.
        await result.GetByTestId("rule-link-MASQUE-BUNDLE-HIJACK").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("devices\\?ruleId=MASQUE-BUNDLE-HIJACK$"));
        var owners = page.GetByTestId("devices-grid").GetByTestId("device-owner");
        await Assertions.Expect(owners).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("devices-grid").GetByText("Quarantined", new() { Exact = true })).ToHaveCountAsync(4);
        var infected = await owners.AllInnerTextsAsync();
        if (SignInEndToEndTests.FindDocsFolder() is { } docs)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "devices-quarantined.png"), FullPage = true });
        }

        // The devices obey RemoveProfile (the impostor is not managed) at their next check-in; the page, still open, sees them leave the filter.
        await browser.App.Simulator.CheckInAllAsync();
        await Assertions.Expect(owners).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await browser.App.Simulator.CheckInAllAsync(); // and acknowledge the UnblockNetwork that released them

        await Chromium.OpenAsync(page, browser.BaseUrl + "devices?compliance=Quarantined");
        await Assertions.Expect(page.GetByTestId("devices-grid")).ToBeVisibleAsync();
        var stillQuarantined = await page.GetByTestId("devices-grid").GetByTestId("device-owner").AllInnerTextsAsync();
        Assert.Empty(infected.Intersect(stillQuarantined));
        var released = await browser.App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Devices.Where(d => infected.Contains(d.Owner)).Select(d => new { d.Compliance, d.Network })));
        Assert.Equal(4, released.Count);
        Assert.All(released, d => Assert.NotEqual(MasqueDashboard.Features.Fleet.ComplianceState.Quarantined, d.Compliance));
        Assert.All(released, d => Assert.Equal(MasqueDashboard.Features.Fleet.NetworkState.Allowed, d.Network));
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task A_full_wipe_requested_by_one_administrator_is_approved_by_a_second_and_reaches_the_device()
    {
        if (BrowserFixture.ChromiumMissing && SharedFixtures.IsCi)
        {
            throw new InvalidOperationException($"{BrowserFixture.ChromiumPath} is required when CI=true.");
        }

        Skip.If(BrowserFixture.ChromiumMissing, $"{BrowserFixture.ChromiumPath} is absent: end-to-end tests skipped.");
        await browser.App.Simulator.CheckInAllAsync();
        var deviceId = await browser.App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.MaxAsync(db.Devices, d => d.Id));

        var (requesterContext, requester) = await SignInAsync("admin@masque.test");
        await Chromium.OpenAsync(requester, browser.BaseUrl + $"devices/{deviceId}");
        await requester.GetByTestId("action-request-wipe").ClickAsync();
        await requester.Locator("textarea[data-testid=reason], [data-testid=reason] textarea").First.FillAsync("Lost on a train; the owner confirmed by phone.");
        await requester.GetByTestId("reason-ok").ClickAsync();
        await Assertions.Expect(requester.GetByTestId("wipe-request")).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        // The requester sees the request waiting and cannot decide it.
        await Chromium.OpenAsync(requester, browser.BaseUrl + "quarantine");
        await Assertions.Expect(requester.GetByTestId("own-request")).ToBeVisibleAsync();
        await Assertions.Expect(requester.GetByTestId("approve-wipe")).ToBeDisabledAsync();

        var (approverContext, approver) = await SignInAsync("admin2@masque.test");
        await Chromium.OpenAsync(approver, browser.BaseUrl + "quarantine");
        await approver.GetByTestId("approve-wipe").ClickAsync();
        await approver.Locator("textarea[data-testid=reason], [data-testid=reason] textarea").First.FillAsync("Confirmed with the owner and their manager.");
        await approver.GetByTestId("reason-ok").ClickAsync();
        await Assertions.Expect(approver.GetByTestId("approve-wipe")).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        // The device receives the FullWipe at its next check-in and acknowledges it at the one after.
        await browser.App.Simulator.CheckInAllAsync();
        await browser.App.Simulator.CheckInAllAsync();
        var wipe = await browser.App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.DeviceCommands, c => c.DeviceId == deviceId && c.Type == MasqueDashboard.Features.Fleet.CommandType.FullWipe));
        Assert.Equal(MasqueDashboard.Features.Fleet.CommandStatus.Acknowledged, wipe.Status);
        Assert.Contains("admin2@masque.test", wipe.Reason, StringComparison.Ordinal);

        await requesterContext.CloseAsync();
        await approverContext.CloseAsync();
    }

    private async Task<(IBrowserContext Context, IPage Page)> SignInAsync(string email)
    {
        var page = await Chromium.SignInAsync(browser.Browser!, browser.BaseUrl, email);
        return (page.Context, page);
    }
}
