using System.Net;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MasqueDashboard.Tests.EndToEnd;

/// <summary>
/// The app on Kestrel at 127.0.0.1 (random port) with the demo accounts, and Debian's Chromium driven by
/// Playwright. Without /usr/bin/chromium the tests skip — except under CI=true, where that is a failure.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = Chromium.Path;

    private IPlaywright? playwright;

    public MasqueAppFactory App { get; } = new();

    public IBrowser? Browser { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public static bool ChromiumMissing => !File.Exists(ChromiumPath);

    public async Task InitializeAsync()
    {
        if (ChromiumMissing)
        {
            return;
        }

        App.TrustingTestPki();
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

    public void RequireBrowser()
    {
        if (ChromiumMissing && SharedFixtures.IsCi)
        {
            throw new InvalidOperationException($"{ChromiumPath} is required when CI=true: install Debian's chromium package.");
        }

        Skip.If(ChromiumMissing, $"{ChromiumPath} is absent: end-to-end tests skipped (apt-get install chromium).");
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
