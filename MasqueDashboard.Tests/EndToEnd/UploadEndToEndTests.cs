using MasqueDashboard.Features.Demo;
using MasqueDashboard.Tests.Support;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>A developer uploads an .ipa in the browser, watches it scan, reads the report and exports it.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class UploadEndToEndTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task A_developer_uploads_a_build_watches_it_scan_and_reads_the_report()
    {
        browser.RequireBrowser();
        var path = Path.Combine(Path.GetTempPath(), $"Bank-{Guid.NewGuid():N}.ipa");
        // A High finding whatever the organisation trusts (other browser tests trust the test team).
        await File.WriteAllBytesAsync(path, SamplePackages.Build(new SampleApp { AllowsArbitraryLoads = true, CodeTeamId = "OTHER12345" }));
        try
        {
            var context = await browser.Browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            await page.GotoAsync(browser.BaseUrl + "Account/Login");
            await page.FillAsync("#Input\\.Email", "developer@masque.test");
            await page.FillAsync("#Input\\.Password", DemoSeeder.Accounts.Single(a => a.Email == "developer@masque.test").Password);
            await page.ClickAsync("#sign-in");
            await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync(new() { Timeout = 15_000 });

            await page.GotoAsync(browser.BaseUrl + "apps/upload");
            await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
            await page.GetByTestId("upload-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
            await page.Locator("input[type=file]").SetInputFilesAsync(path);
            await Assertions.Expect(page.GetByTestId("picked")).ToContainTextAsync("Bank-");
            await page.GetByTestId("upload").ClickAsync();

            // Blazor navigates inside the circuit (history.pushState): poll the address rather than wait for a
            // navigation event, which can be missed when the pushState lands between Playwright's check and its listener.
            try
            {
                await Assertions.Expect(page).ToHaveURLAsync(new Regex("/apps/submissions/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
            }
            catch (PlaywrightException)
            {
                await page.ScreenshotAsync(new() { Path = "/tmp/upload-timeout.png", FullPage = true });
                await File.WriteAllTextAsync("/tmp/upload-timeout.html", await page.ContentAsync());
                throw;
            }
            await Assertions.Expect(page.GetByTestId("submission-status")).ToHaveTextAsync("Scanned", new() { Timeout = 60_000 });
            await Assertions.Expect(page.GetByTestId("verdict")).ToContainTextAsync("Suspicious");
            await Assertions.Expect(page.GetByTestId("finding-ATS-ARBITRARY-LOADS")).ToBeVisibleAsync();

            var pdf = await context.APIRequest.GetAsync(page.Url + "/report.pdf");
            Assert.Equal(200, pdf.Status);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.BodyAsync())[..4]), StringComparison.Ordinal);
            var sarif = await context.APIRequest.GetAsync(page.Url + "/report.sarif");
            Assert.Contains("2.1.0", await sarif.TextAsync(), StringComparison.Ordinal);

            var docs = SignInEndToEndTests.FindDocsFolder();
            if (docs is not null)
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "submission-report.png"), FullPage = true });
            }

            await context.CloseAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
