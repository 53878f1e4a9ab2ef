using System.Net;
using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Infrastructure;

/// <summary>What running behind a load balancer needs from each instance: health endpoints, the client's address through
/// the proxy, and change notices that reach the other instances through a real Redis.</summary>
public sealed class ScaleOutHostingTests
{
    [Fact]
    public async Task Liveness_and_readiness_answer_anonymously_and_name_the_checks()
    {
        using var app = new MasqueAppFactory();
        using var client = app.CreateNoRedirectClient();

        using var live = await client.GetAsync("health/live");
        using var ready = await client.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_fails_while_the_configured_redis_does_not_answer()
    {
        using var app = new MasqueAppFactory().With("ConnectionStrings:Redis", $"127.0.0.1:{TestRedis.FreePort()},connectTimeout=500");
        using var client = app.CreateNoRedirectClient();

        using var ready = await client.GetAsync("health/ready");
        using var live = await client.GetAsync("health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var text = await ready.Content.ReadAsStringAsync();
        Assert.Contains("Redis does not answer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_listed_proxy_the_sign_in_audit_records_the_clients_address_and_the_cookie_is_secure()
    {
        using var app = new MasqueAppFactory().With("ForwardedHeaders:KnownProxies:0", "10.9.8.7");
        await app.CreateUserAsync("pat@proxy.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();
        client.DefaultRequestHeaders.Add(MasqueAppFactory.ClientIpHeader, "10.9.8.7"); // the request comes from the proxy
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var failed = await MasqueAppFactory.PostLoginAsync(client, "pat@proxy.test", "wrong-password-1");
        using var succeeded = await MasqueAppFactory.PostLoginAsync(client, "pat@proxy.test", MasqueAppFactory.Password);

        var addresses = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditActions.LoginFailed || e.Action == AuditActions.LoginSucceeded).Select(e => e.ClientIp).ToListAsync());
        Assert.Equal(["203.0.113.7", "203.0.113.7"], addresses);
        var cookie = succeeded.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("MasqueDashboard.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_but_a_listed_proxy_are_ignored()
    {
        using var app = new MasqueAppFactory().With("ForwardedHeaders:KnownProxies:0", "10.9.8.7");
        await app.CreateUserAsync("sam@proxy.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();
        client.DefaultRequestHeaders.Add(MasqueAppFactory.ClientIpHeader, "198.51.100.9"); // not the proxy
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var succeeded = await MasqueAppFactory.PostLoginAsync(client, "sam@proxy.test", MasqueAppFactory.Password);

        var address = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.LoginSucceeded).Select(e => e.ClientIp).SingleAsync());
        Assert.Equal("198.51.100.9", address);
        var cookie = succeeded.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("MasqueDashboard.Auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_listed_proxies_the_loopback_proxy_is_not_believed_either()
    {
        using var app = new MasqueAppFactory();
        await app.CreateUserAsync("lee@proxy.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();
        client.DefaultRequestHeaders.Add(MasqueAppFactory.ClientIpHeader, "127.0.0.1");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        using var _ = await MasqueAppFactory.PostLoginAsync(client, "lee@proxy.test", MasqueAppFactory.Password);

        Assert.Equal("127.0.0.1", await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.LoginSucceeded).Select(e => e.ClientIp).SingleAsync()));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "nginx.internal")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99")]
    public void A_proxy_list_that_does_not_read_stops_the_start(string key, string value)
    {
        using var app = new MasqueAppFactory().With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => app.App);

        Assert.Contains("ForwardedHeaders:KnownProxies", error.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Change_notices_reach_the_pages_of_the_other_instance_through_redis()
    {
        using var redis = TestRedis.StartOrSkip();
        using var a = new MasqueAppFactory().With("ConnectionStrings:Redis", redis.ConnectionString);
        using var b = MasqueAppFactory.SharingDatabaseOf(a).With("ConnectionStrings:Redis", redis.ConnectionString);
        var submission = new TaskCompletionSource<SubmissionChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fleet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.App.GetRequiredService<SubmissionNotifier>().Changed += c =>
        {
            submission.TrySetResult(c);
            return Task.CompletedTask;
        };
        b.App.GetRequiredService<FleetNotifier>().Changed += () =>
        {
            fleet.TrySetResult();
            return Task.CompletedTask;
        };
        await WaitForSubscriptionAsync(a);

        var id = Guid.NewGuid();
        await a.App.GetRequiredService<SubmissionNotifier>().PublishAsync(new SubmissionChanged(id, SubmissionStatus.Scanned));
        a.App.GetRequiredService<FleetNotifier>().Publish();

        var heard = await submission.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(id, heard.SubmissionId);
        Assert.Equal(SubmissionStatus.Scanned, heard.Status);
        await fleet.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Redis", b.App.GetRequiredService<HubLifetimeManager<ProbeHub>>().GetType().Name, StringComparison.Ordinal);
    }

    /// <summary>Both instances subscribed: Redis reports two subscribers on the notice channel.</summary>
    private static async Task WaitForSubscriptionAsync(MasqueAppFactory app)
    {
        var redis = app.App.GetRequiredService<MasqueDashboard.Infrastructure.ClusterBus>().Redis!.GetDatabase();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((long)((StackExchange.Redis.RedisResult[])(await redis.ExecuteAsync("PUBSUB", "NUMSUB", "masque:changes"))!)[1] < 2)
        {
            Assert.True(DateTime.UtcNow < until, "The instances did not subscribe to Redis.");
            await Task.Delay(50);
        }
    }

    /// <summary>A hub of the test's own, to ask which lifetime manager SignalR uses for every hub.</summary>
    public sealed class ProbeHub : Hub;
}
