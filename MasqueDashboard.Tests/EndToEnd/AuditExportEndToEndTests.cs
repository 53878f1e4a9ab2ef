using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MasqueDashboard.Tests.Features.Audit.Exports;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>An auditor filters the trail, exports it as CSV, and the download is the file its manifest describes.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class AuditExportEndToEndTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task The_auditor_exports_the_filtered_trail_as_csv_and_the_download_matches_its_manifest()
    {
        browser.RequireBrowser();
        const string auditor = "auditor@masque.test";
        var page = await Chromium.SignInAsync(browser.Browser!, browser.BaseUrl, auditor);
        await Chromium.OpenAsync(page, browser.BaseUrl + "audit/trail");

        await page.GetByLabel("Actor").FillAsync(auditor);
        await Assertions.Expect(page.GetByTestId("audit-grid").GetByText("auth.login.succeeded").First).ToBeVisibleAsync();
        await page.GetByTestId("export-menu").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path);

        await Assertions.Expect(page.GetByTestId("export-manifest")).ToBeVisibleAsync();
        var href = await page.GetByTestId("export-manifest").GetAttributeAsync("href");
        var response = await page.Context.APIRequest.GetAsync(browser.BaseUrl + href!.TrimStart('/'));
        Assert.True(response.Ok, $"manifest: {response.Status}");
        using var manifest = JsonDocument.Parse(await response.TextAsync());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(auditor, manifest.RootElement.GetProperty("filters").GetProperty("actor").GetString());
        var rows = AuditExportTests.ParseCsv(Encoding.UTF8.GetString(bytes)).Skip(1).ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, manifest.RootElement.GetProperty("rowCount").GetInt64());
        Assert.All(rows, r => Assert.Contains(auditor, r[2], StringComparison.Ordinal));
        Assert.Equal(download.SuggestedFilename, manifest.RootElement.GetProperty("fileName").GetString());

        // A row opens the event's drawer with the hash that chains it, the same hash as in the file.
        await page.GetByTestId("audit-grid").GetByText("auth.login.succeeded").First.ClickAsync();
        var drawer = page.GetByTestId("event-drawer");
        await Assertions.Expect(drawer.GetByTestId("event-hash")).ToBeVisibleAsync();
        var hash = await drawer.GetByTestId("event-hash").TextContentAsync();
        Assert.Contains(rows, r => r[9] == hash);
        await page.Context.CloseAsync();
    }
}
