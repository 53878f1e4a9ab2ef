using System.Net;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users.SignIn;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Features.Users;

public sealed class SignInTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task A_successful_sign_in_is_audited_with_address_and_user_agent()
    {
        var id = await app.CreateUserAsync("ok@signin.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("MasqueTests/1.0");

        var response = await MasqueAppFactory.PostLoginAsync(client, "ok@signin.test", MasqueAppFactory.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var e = await LastAsync(AuditActions.LoginSucceeded);
        Assert.Equal("ok@signin.test", e.Actor);
        Assert.Equal(id, e.ActorId);
        Assert.Contains("MasqueTests/1.0", e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_and_bad_password_are_audited_with_their_reasons_and_the_same_message()
    {
        await app.CreateUserAsync("known@signin.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();

        var unknown = await MasqueAppFactory.PostLoginAsync(client, "nobody@signin.test", "whatever-123!");
        var bad = await MasqueAppFactory.PostLoginAsync(client, "known@signin.test", "wrong-password-1!");

        Assert.Contains("Invalid sign-in attempt", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Invalid sign-in attempt", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reasons = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.LoginFailed).OrderBy(e => e.Sequence).Select(e => e.Details).ToListAsync());
        Assert.Equal([SignInFailureReasons.UnknownUser, SignInFailureReasons.BadPassword], reasons.Select(Reason));
    }

    [Fact]
    public async Task Five_failures_within_the_window_lock_the_account()
    {
        await app.CreateUserAsync("victim@signin.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();

        for (var i = 0; i < 4; i++)
        {
            var failed = await MasqueAppFactory.PostLoginAsync(client, "victim@signin.test", "guess-" + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var fifth = await MasqueAppFactory.PostLoginAsync(client, "victim@signin.test", "guess-4");
        Assert.EndsWith("Account/Lockout", fifth.Headers.Location?.ToString(), StringComparison.Ordinal);

        var correct = await MasqueAppFactory.PostLoginAsync(client, "victim@signin.test", MasqueAppFactory.Password);
        Assert.EndsWith("Account/Lockout", correct.Headers.Location?.ToString(), StringComparison.Ordinal);

        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.LockedOut)));
        Assert.Equal(SignInFailureReasons.LockedOut, Reason((await LastAsync(AuditActions.LoginFailed)).Details));
    }

    [Fact]
    public async Task Failures_older_than_the_window_are_forgotten()
    {
        await app.CreateUserAsync("slow@signin.test", Roles.Auditor);
        using var client = app.CreateNoRedirectClient();
        for (var i = 0; i < 4; i++)
        {
            await MasqueAppFactory.PostLoginAsync(client, "slow@signin.test", "guess-" + i);
        }

        app.Time.Advance(TimeSpan.FromMinutes(16));
        var late = await MasqueAppFactory.PostLoginAsync(client, "slow@signin.test", "guess-late");
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);

        var correct = await MasqueAppFactory.PostLoginAsync(client, "slow@signin.test", MasqueAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, correct.StatusCode);
        Assert.DoesNotContain("Lockout", correct.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_is_audited()
    {
        await app.CreateUserAsync("leaver@signin.test", Roles.Auditor);
        using var client = await app.SignInAsync("leaver@signin.test");
        var page = await client.GetStringAsync("Account/Manage");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["ReturnUrl"] = "" });
        var response = await client.PostAsync("Account/Logout", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("leaver@signin.test", (await LastAsync(AuditActions.SignedOut)).Actor);
        var after = await client.GetAsync("");
        Assert.Contains("Account/Login", after.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    private Task<AuditEvent> LastAsync(string action) =>
        app.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == action).OrderByDescending(e => e.Sequence).FirstAsync());

    private static string? Reason(string details)
    {
        using var json = JsonDocument.Parse(details);
        return json.RootElement.GetProperty("reason").GetString();
    }
}
