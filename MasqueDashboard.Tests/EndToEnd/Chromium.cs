using MasqueDashboard.Features.Demo;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>Debian's Chromium as every browser test launches it, and a demo account signed in through the real login page.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new browser context signed in as a demo account; waits until the navigation shows.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string email, int width = 1400, int height = 1000)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(baseUrl + "Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", DemoSeeder.Accounts.Single(a => a.Email == email).Password);
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        return page;
    }

    /// <summary>Opens a page and waits until its Blazor circuit is interactive.</summary>
    public static async Task OpenAsync(IPage page, string url)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(url);
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
    }
}
