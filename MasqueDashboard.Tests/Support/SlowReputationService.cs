using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// A MobSF-style reputation service on loopback whose first upload hangs until released: the scan that called it is
/// caught in the middle. Later calls answer at once.
/// </summary>
public sealed class SlowReputationService : IAsyncDisposable
{
    private readonly WebApplication web;
    private readonly TaskCompletionSource firstUpload = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int uploads;

    private SlowReputationService(WebApplication web) => this.web = web;

    public string Url { get; private set; } = "";

    public Task FirstUpload => firstUpload.Task;

    public static async Task<SlowReputationService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        var service = new SlowReputationService(web);
        web.MapPost("/api/v1/upload", async (HttpContext http) =>
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
            if (Interlocked.Increment(ref service.uploads) == 1)
            {
                service.firstUpload.TrySetResult();
                await service.release.Task;
            }

            return Results.Text("""{"hash":"abc","scan_type":"ipa"}""", "application/json");
        });
        web.MapPost("/api/v1/scan", () => Results.Text("{}", "application/json"));
        web.MapPost("/api/v1/report_json", () => Results.Text("""{"appsec":{"high":[],"warning":[],"secure":[]}}""", "application/json"));
        await web.StartAsync();
        service.Url = web.Urls.First() + "/";
        return service;
    }

    public void Release() => release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await web.StopAsync();
        await web.DisposeAsync();
    }
}
