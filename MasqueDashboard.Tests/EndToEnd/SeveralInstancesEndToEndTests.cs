using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Tests.Support;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>
/// PRODUCT.md §11 as an operator deploys it: two processes of the app on one PostgreSQL and one Redis, behind nginx with
/// a sticky upstream, and Debian's Chromium signed in through nginx.
/// </summary>
public sealed class SeveralInstancesEndToEndTests : IAsyncLifetime
{
    private const string Secret = "several-instances-secret";
    private readonly string storage = Directory.CreateTempSubdirectory("masque-e2e-two-").FullName;
    private readonly List<AppProcess> instances = [];
    private string? database;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        if (database is not null)
        {
            TestPostgres.DropDatabase(database);
        }

        Directory.Delete(storage, recursive: true);
    }

    [SkippableFact]
    public async Task Behind_nginx_a_scan_on_one_instance_updates_the_page_on_the_other_and_losing_an_instance_loses_nothing()
    {
        if (BrowserFixture.ChromiumMissing)
        {
            Assert.False(SharedFixtures.IsCi, $"{Chromium.Path} is required under CI=true");
            Skip.If(true, $"{Chromium.Path} is absent (apt-get install chromium)");
        }

        TestPostgres.RequireOrSkip();
        TestNginx.RequireOrSkip();
        using var redis = TestRedis.StartOrSkip();
        await using var reputation = await SlowReputationService.StartAsync();
        database = TestPostgres.CreateDatabase();
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = database, ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Storage:Root"] = storage, ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1", ["Fleet:EnrollmentSecret"] = Secret,
            ["Scanner:External:Url"] = reputation.Url, ["Scanner:External:ApiKey"] = "k", ["Scanner:Lease"] = "00:00:05",
        };
        var a = await StartAsync(new Dictionary<string, string>(settings) { ["Demo:Seed"] = "true" }); // the demo accounts, once
        var b = await StartAsync(settings);
        using var nginx = TestNginx.Start(a.Port, b.Port);

        // ip_hash sends every request from 127.0.0.1 to one instance: the browser's. The build goes to the other.
        using var probe = new HttpClient { BaseAddress = nginx.BaseAddress };
        using (var login = await probe.GetAsync("Account/Login"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var upstream = login.Headers.GetValues("X-Upstream").Single();
            (Browser, Other) = upstream.EndsWith($":{a.Port}", StringComparison.Ordinal) ? (a, b) : (b, a);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.SignInAsync(browser, nginx.BaseAddress.ToString(), "developer@masque.test");

        var token = await Operator.TokenAsync(database, storage, "developer@masque.test");
        using var onOther = Other.CreateClient();
        onOther.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(SamplePackages.Build(new SampleApp())), "file", "Bank.ipa" } };
        using var uploaded = await onOther.PostAsync("api/v1/submissions", form);
        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);
        var id = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await reputation.FirstUpload.WaitAsync(TimeSpan.FromSeconds(60)); // the other instance is scanning it

        await Chromium.OpenAsync(page, $"{nginx.BaseAddress}apps/submissions/{id}");
        await Assertions.Expect(page.GetByTestId("submission-status")).ToHaveTextAsync("Scanning");
        reputation.Release();
        // No reload: the other instance's notice crosses Redis to the circuit on the browser's instance.
        await Assertions.Expect(page.GetByTestId("submission-status")).ToHaveTextAsync("Scanned", new() { Timeout = 60_000 });

        // The browser's instance dies. nginx moves on to the survivor, which reads the same cookie (one key ring).
        Browser.Kill();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Chromium.OpenAsync(page, $"{nginx.BaseAddress}apps/submissions/{id}");
                break;
            }
            catch (PlaywrightException e) when (attempt < 3 && e.Message.Contains("ERR_ABORTED", StringComparison.Ordinal))
            {
                // Blazor, finding its circuit gone with the instance, reloads the page itself: that reload won the race.
            }
        }

        await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("submission-status")).ToHaveTextAsync("Scanned");

        // Devices keep checking in through nginx.
        using var device = new HttpClient { BaseAddress = nginx.BaseAddress };
        using var enroll = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll")
        {
            Content = JsonContent.Create(new { udid = "SEVERAL-INSTANCES-0001-0000", serialNumber = "F2LN1234", model = "iPhone 6", osVersion = "8.1", owner = "pat@corp.example", supervised = true }),
        };
        enroll.Headers.Add("X-Enrollment-Secret", Secret);
        using var enrolled = await device.SendAsync(enroll);
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var deviceToken = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync()).RootElement.GetProperty("deviceToken").GetString();
        using var checkIn = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/checkin")
        {
            Content = JsonContent.Create(new { sequence = 1, osVersion = "8.1", supervised = true, jailbroken = false, containerEnabled = true, installedApps = Array.Empty<object>(), commandResults = Array.Empty<object>() }),
        };
        checkIn.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deviceToken);
        using var checkedIn = await device.SendAsync(checkIn);
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        Assert.EndsWith($":{Other.Port}", checkedIn.Headers.GetValues("X-Upstream").Single(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private AppProcess Browser { get; set; } = null!;

    private AppProcess Other { get; set; } = null!;

    private async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var instance = await AppProcess.StartAsync(settings);
        instances.Add(instance);
        return instance;
    }
}
