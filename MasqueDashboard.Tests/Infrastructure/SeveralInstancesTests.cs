using System.Net;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Infrastructure;

/// <summary>
/// Two instances of the app on one database (and, where a test says so, one Redis), in this process: what a change on
/// one does to the other (PRODUCT.md §11). The suite runs them on SQLite and, in its PostgreSQL pass, on PostgreSQL.
/// </summary>
public sealed class SeveralInstancesTests : IDisposable
{
    private readonly MasqueAppFactory a = new MasqueAppFactory().WithFleet();
    private readonly MasqueAppFactory b;

    public SeveralInstancesTests() => b = MasqueAppFactory.SharingDatabaseOf(a).WithFleet();

    public void Dispose()
    {
        b.Dispose();
        a.Dispose();
    }

    [Fact]
    public async Task A_catalog_app_published_on_one_instance_is_applied_on_the_others_very_next_check_in()
    {
        var device = await ContractDevice.EnrollAsync(b);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        object[] apps = [.. FleetTestData.CleanApps[..2], impostor];
        Assert.DoesNotContain(ViolationIds.MasqueBundleHijack, (await device.CheckInAsync(apps)).Violations); // B caches a catalog without the app

        await a.PublishAsync("com.example.bank", "Example Bank"); // on A, which invalidates only its own cache

        var next = await device.CheckInAsync(apps);
        Assert.Contains(ViolationIds.MasqueBundleHijack, next.Violations);
        Assert.Equal("Quarantined", next.Compliance);
    }

    [Fact]
    public async Task A_certificate_revoked_on_one_instance_is_applied_on_the_others_very_next_check_in()
    {
        await a.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(b);
        Assert.Equal("Compliant", (await device.CheckInAsync(FleetTestData.CleanApps)).Compliance);

        var admin = await a.CreateUserAsync("revoker@instances.test", Roles.EmmAdmin);
        await a.App.GetRequiredService<SignerService>().RevokeAsync(await a.ForAsync(admin), FleetTestData.CorpSigner, "key leaked", null);

        Assert.Contains(ViolationIds.SignerRevoked, (await device.CheckInAsync(FleetTestData.CleanApps)).Violations);
    }

    [Fact]
    public async Task A_cookie_minted_by_one_instance_is_accepted_by_the_other()
    {
        await a.CreateUserAsync("auditor@instances.test", Roles.Auditor);
        var cookie = await SignInCookieAsync(a, "auditor@instances.test");

        using var onB = b.CreateNoRedirectClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "audit/trail");
        request.Headers.Add("Cookie", cookie);
        using var response = await onB.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // B read A's cookie with the key ring they share
        Assert.Equal(1, await a.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));
    }

    [Fact]
    public async Task A_scan_whose_instance_died_is_taken_over_once_its_lease_ran_out_and_a_live_lease_is_left_alone()
    {
        var id = await ScannedSubmissionAsync("dev@instances.test");
        var now = a.Time.GetUtcNow().UtcDateTime;
        var worker = b.App.GetRequiredService<ScanWorker>();

        await SetLeaseAsync(id, "dead-instance", now.AddSeconds(30)); // claimed by an instance whose lease still runs
        await worker.ProcessAsync(id, default);
        Assert.Equal(SubmissionStatus.Scanning, await StatusAsync(id));

        await SetLeaseAsync(id, "dead-instance", now.AddSeconds(-1)); // that instance died and its lease ran out
        await worker.ProcessAsync(id, default);

        var done = await a.WithDbAsync(db => db.Submissions.AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.Equal(SubmissionStatus.Invalid, done.Status);
        Assert.Null(done.ScanLeaseOwner);
        var resumed = await a.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Target == $"submission:{id}" && e.Action == SubmissionActions.ScanResumed).Select(e => e.Details).ToListAsync());
        Assert.Contains(resumed, d => d.Contains("dead-instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_result_from_an_instance_whose_scan_was_taken_over_is_dropped()
    {
        var id = await ScannedSubmissionAsync("dev2@instances.test");
        await SetLeaseAsync(id, "the-new-holder", a.Time.GetUtcNow().UtcDateTime.AddMinutes(5));
        var audited = await a.WithDbAsync(db => db.AuditEvents.CountAsync());

        await b.App.GetRequiredService<ScanWorker>().ProcessAsync(id, default);

        var row = await a.WithDbAsync(db => db.Submissions.AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.Equal(SubmissionStatus.Scanning, row.Status);
        Assert.Equal("the-new-holder", row.ScanLeaseOwner);
        Assert.Equal(audited, await a.WithDbAsync(db => db.AuditEvents.CountAsync()));
    }

    /// <summary>Signs in through <paramref name="instance"/>'s login form and returns its authentication cookie (name=value).</summary>
    private static async Task<string> SignInCookieAsync(MasqueAppFactory instance, string email)
    {
        using var client = instance.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var page = await client.GetAsync("Account/Login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = MasqueAppFactory.Password,
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var response = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("MasqueDashboard.Auth=", StringComparison.Ordinal));
    }

    /// <summary>A submission A uploaded and scanned (random bytes: Invalid), so no worker holds it any more.</summary>
    private async Task<Guid> ScannedSubmissionAsync(string developer) =>
        await a.UploadAndScanAsync(await a.CreateUserAsync(developer, Roles.Developer), System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));

    private Task<int> SetLeaseAsync(Guid id, string owner, DateTime until) =>
        a.WithDbAsync(db => db.Submissions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, SubmissionStatus.Scanning).SetProperty(s => s.ScanLeaseOwner, owner).SetProperty(s => s.ScanLeaseExpiresAtUtc, until)));

    private Task<SubmissionStatus> StatusAsync(Guid id) => a.WithDbAsync(db => db.Submissions.Where(s => s.Id == id).Select(s => s.Status).SingleAsync());
}
