using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>
/// A Developer uploads, a SecurityReviewer approves, an EmmAdmin publishes, the app is in the catalog — and a second
/// upload of the same bundle id signed by another team is reported MASQUE-BUNDLE-HIJACK.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class WorkflowEndToEndTests(BrowserFixture browser)
{
    private Task<IPage> SignInAsync(string email) => Chromium.SignInAsync(browser.Browser!, browser.BaseUrl, email);

    [SkippableFact]
    public async Task Upload_review_publish_and_an_impostor_is_caught()
    {
        browser.RequireBrowser();
        var bundleId = $"com.example.wf{Guid.NewGuid():N}"[..28];
        await using (var scope = browser.App.Services.CreateAsyncScope())
        {
            var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("admin@masque.test");
            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(admin!);
            try
            {
                await scope.ServiceProvider.GetRequiredService<SignerService>().TrustAsync(principal, TestPki.TeamId, "Example Corp", null, null);
            }
            catch (MasqueDashboard.Infrastructure.DomainException)
            {
                // Another test of this collection trusted it already.
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"Wf-{Guid.NewGuid():N}.ipa");
        await File.WriteAllBytesAsync(path, SamplePackages.Build(new SampleApp { Name = "Payroll", BundleId = bundleId }));
        try
        {
            var developer = await SignInAsync("developer@masque.test");
            await Chromium.OpenAsync(developer, browser.BaseUrl + "apps/upload");
            await developer.GetByTestId("upload-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
            await developer.Locator("input[type=file]").SetInputFilesAsync(path);
            await Assertions.Expect(developer.GetByTestId("picked")).ToContainTextAsync("Wf-");
            await developer.GetByTestId("upload").ClickAsync();
            await Assertions.Expect(developer.GetByTestId("submission-status")).ToHaveTextAsync("Scanned", new() { Timeout = 60_000 });
            await developer.Context.CloseAsync();

            var reviewer = await SignInAsync("reviewer@masque.test");
            await Chromium.OpenAsync(reviewer, browser.BaseUrl + "reviews");
            await reviewer.GetByTestId("review-queue").GetByText(bundleId, new() { Exact = false }).ClickAsync();
            await reviewer.GetByTestId("decision-form").Locator("textarea").First.FillAsync("Clean report from our own signing team.");
            await reviewer.GetByTestId("approve").ClickAsync();
            await Assertions.Expect(reviewer.GetByTestId("review-queue").GetByText(bundleId, new() { Exact = false })).ToHaveCountAsync(0, new() { Timeout = 15_000 });
            await reviewer.Context.CloseAsync();

            var admin = await SignInAsync("admin@masque.test");
            await Chromium.OpenAsync(admin, browser.BaseUrl + "catalog");
            await admin.GetByTestId($"publish-{bundleId}").ClickAsync();
            await Assertions.Expect(admin.GetByTestId("catalog-table")).ToContainTextAsync(bundleId, new() { Timeout = 15_000 });

            var impostor = SamplePackages.Build(new SampleApp { Name = "Payroll", BundleId = bundleId, TeamId = "ZZZZZ99999", Version = "9.9" });
            var developerId = (await browser.App.Services.CreateAsyncScope().ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("developer@masque.test"))!.Id;
            var impostorId = await browser.App.UploadAndScanAsync(developerId, impostor, "Payroll-impostor.ipa");
            await Chromium.OpenAsync(admin, browser.BaseUrl + $"apps/submissions/{impostorId}");
            await Assertions.Expect(admin.GetByTestId("finding-MASQUE-BUNDLE-HIJACK")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(admin.GetByTestId("verdict")).ToContainTextAsync("Malicious");
            await admin.Context.CloseAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
