using MasqueDashboard.Features.Demo;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>Each demo role signs in through the real login page in Chromium and sees only what it may open.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class SignInEndToEndTests(BrowserFixture browser)
{
    public static TheoryData<string, string[], string[]> Navigation => new()
    {
        { "developer@masque.test", ["Overview", "API tokens"], ["Audit trail", "Users and roles"] },
        { "reviewer@masque.test", ["Overview", "API tokens"], ["Audit trail", "Users and roles"] },
        { "admin@masque.test", ["Overview", "Audit trail", "Users and roles"], [] },
        { "auditor@masque.test", ["Overview", "Audit trail"], ["Users and roles"] },
    };

    [SkippableTheory]
    [MemberData(nameof(Navigation))]
    public async Task Each_role_signs_in_and_the_navigation_offers_only_what_it_may_open(string email, string[] offered, string[] hidden)
    {
        browser.RequireBrowser();
        var page = await SignInAsync(email);

        var nav = page.GetByTestId("nav");
        foreach (var item in offered)
        {
            await Assertions.Expect(nav.GetByText(item, new() { Exact = true })).ToBeVisibleAsync();
        }

        foreach (var item in hidden)
        {
            await Assertions.Expect(nav.GetByText(item, new() { Exact = true })).ToHaveCountAsync(0);
        }

        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task A_developer_who_types_the_users_address_gets_the_friendly_403()
    {
        browser.RequireBrowser();
        var page = await SignInAsync("developer@masque.test");

        var response = await page.GotoAsync(browser.BaseUrl + "admin/users");

        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.Locator("#forbidden-title")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task An_anonymous_visitor_reaches_only_the_login_page()
    {
        browser.RequireBrowser();
        var context = await browser.Browser!.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(browser.BaseUrl + "audit/trail");

        Assert.Contains("/Account/Login", page.Url, StringComparison.Ordinal);
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task The_overview_draws_the_sign_in_chart_and_is_captured_for_the_readme()
    {
        browser.RequireBrowser();
        var page = await SignInAsync("admin@masque.test", width: 1400, height: 900);

        await Assertions.Expect(page.Locator("[data-testid=chart-signins] .apexcharts-canvas")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("card-users")).ToBeVisibleAsync();

        var docs = FindDocsFolder();
        if (docs is not null)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "overview.png"), FullPage = true });
        }

        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInAsync(string email, int width = 1280, int height = 800)
    {
        var password = DemoSeeder.Accounts.Single(a => a.Email == email).Password;
        var context = await browser.Browser!.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                Console.WriteLine($"Browser console error: {m.Text}");
            }
        };
        await page.GotoAsync(browser.BaseUrl + "Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("user-email")).ToHaveTextAsync(email);
        return page;
    }

    /// <summary>The repository's docs/ folder, where the README's screenshot lives; null outside a checkout.</summary>
    internal static string? FindDocsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MasqueDashboard.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "docs")).FullName;
            }
        }

        return null;
    }
}

[CollectionDefinition(nameof(BrowserCollection))]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
