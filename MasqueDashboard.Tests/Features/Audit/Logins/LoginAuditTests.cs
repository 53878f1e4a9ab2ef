using System.Net;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Logins;
using MasqueDashboard.Features.Users.SignIn;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Tests.Features.Audit.Logins;

public sealed class LoginAuditTests : IDisposable
{
    private const string Agent = "LoginAuditTests/2.0";

    // A long escalation interval: the fake clock jumps weeks here, and each elapsed interval would wake the worker.
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Fleet:EscalationInterval", "30.00:00:00");

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Each_sign_in_outcome_is_audited_with_its_reason_address_and_user_agent()
    {
        await app.CreateUserAsync("outcomes@logins.test", Roles.Auditor);
        await app.CreateUserAsync("good@logins.test", Roles.Auditor);
        using var client = ClientFrom("10.20.30.40");
        using var other = ClientFrom("10.20.30.40");

        await MasqueAppFactory.PostLoginAsync(client, "ghost@logins.test", "whatever-1!");
        for (var i = 0; i < 5; i++)
        {
            await MasqueAppFactory.PostLoginAsync(client, "outcomes@logins.test", "wrong-" + i);
        }

        await MasqueAppFactory.PostLoginAsync(client, "outcomes@logins.test", MasqueAppFactory.Password);
        var success = await MasqueAppFactory.PostLoginAsync(other, "good@logins.test", MasqueAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, success.StatusCode);
        await SignOutAsync(other);

        var events = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("auth.")).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(
            [
                (AuditActions.LoginFailed, SignInFailureReasons.UnknownUser),
                (AuditActions.LoginFailed, SignInFailureReasons.BadPassword),
                (AuditActions.LoginFailed, SignInFailureReasons.BadPassword),
                (AuditActions.LoginFailed, SignInFailureReasons.BadPassword),
                (AuditActions.LoginFailed, SignInFailureReasons.BadPassword),
                (AuditActions.LoginFailed, SignInFailureReasons.BadPassword),
                (AuditActions.LockedOut, null),
                (AuditActions.LoginFailed, SignInFailureReasons.LockedOut),
                (AuditActions.LoginSucceeded, null),
                (AuditActions.SignedOut, null),
            ],
            events.Select(e => (e.Action, Detail(e.Details, "reason"))));
        Assert.All(events, e => Assert.Equal("10.20.30.40", e.ClientIp));
        Assert.All(events, e => Assert.Equal(Agent, Detail(e.Details, "userAgent")));
    }

    [Fact]
    public async Task A_wrong_authenticator_code_is_audited_as_2fa_failed_with_address_and_user_agent()
    {
        var id = await app.CreateUserAsync("totp@logins.test", Roles.Auditor);
        await app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<MasqueDashboard.Features.Users.ApplicationUser>>();
            var user = await users.FindByIdAsync(id) ?? throw new InvalidOperationException("no user");
            await users.ResetAuthenticatorKeyAsync(user);
            return await users.SetTwoFactorEnabledAsync(user, true);
        });
        using var client = ClientFrom("10.5.5.5");

        var login = await MasqueAppFactory.PostLoginAsync(client, "totp@logins.test", MasqueAppFactory.Password);
        var challenge = login.Headers.Location!.ToString();
        var page = await client.GetStringAsync(challenge);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-with-2fa",
            ["__RequestVerificationToken"] = token,
            ["Input.TwoFactorCode"] = "000000",
        });
        await client.PostAsync(challenge, form);

        Assert.Contains("LoginWith2fa", challenge, StringComparison.Ordinal);
        var e = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(x => x.Action == AuditActions.LoginFailed));
        Assert.Equal(SignInFailureReasons.TwoFactorFailed, Detail(e.Details, "reason"));
        Assert.Equal("10.5.5.5", e.ClientIp);
        Assert.Equal(Agent, Detail(e.Details, "userAgent"));
    }

    [Fact]
    public async Task The_first_use_of_a_token_in_each_hour_is_audited_once()
    {
        var id = await app.CreateUserAsync("script@logins.test", Roles.Auditor);
        var token = await app.IssueTokenAsync(id, "nightly export");
        using var client = app.CreateBearerClient(token);
        client.DefaultRequestHeaders.Add(MasqueAppFactory.ClientIpHeader, "192.0.2.7");
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Agent);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/me")).StatusCode);
        }

        app.Time.Advance(TimeSpan.FromMinutes(59));
        await client.GetAsync("api/v1/me");
        var withinTheHour = await TokenUsesAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await client.GetAsync("api/v1/me");
        await client.GetAsync("api/v1/me");

        var e = Assert.Single(withinTheHour);
        Assert.Equal("script@logins.test", e.Actor);
        Assert.Equal("192.0.2.7", e.ClientIp);
        Assert.Equal(Agent, Detail(e.Details, "userAgent"));
        Assert.Equal("nightly export", Detail(e.Details, "name"));
        Assert.StartsWith("mdt_", Detail(e.Details, "prefix"), StringComparison.Ordinal);
        Assert.Equal(2, (await TokenUsesAsync()).Count);
    }

    [Fact]
    public async Task Five_failures_for_one_account_raise_one_brute_force_alert_and_four_raise_none()
    {
        await app.CreateUserAsync("target@logins.test", Roles.Auditor);
        using var client = ClientFrom("10.0.0.9");
        for (var i = 0; i < 4; i++)
        {
            await MasqueAppFactory.PostLoginAsync(client, "target@logins.test", "guess-" + i);
        }

        var afterFour = await AlertsAsync(LoginAlertKind.BruteForceAccount);
        for (var i = 4; i < 8; i++)
        {
            await MasqueAppFactory.PostLoginAsync(client, "target@logins.test", "guess-" + i);
        }

        Assert.Empty(afterFour);
        var alert = Assert.Single(await AlertsAsync(LoginAlertKind.BruteForceAccount));
        Assert.Equal("target@logins.test", alert.Subject);
        Assert.Equal(LoginAlertSeverity.High, alert.Severity);
        Assert.Equal(8, alert.EventCount);

        // Raised once, in the trail (and so to the SIEM), not once per failure.
        var raised = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.AlertRaised && e.Target == $"alert:{LoginAlertKind.BruteForceAccount}").ToListAsync());
        Assert.Contains("target@logins.test", Assert.Single(raised).Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_burst_that_goes_on_after_its_alert_was_acknowledged_raises_a_new_alert()
    {
        var recorder = app.App.GetRequiredService<SignInRecorder>();
        Task Fail() => recorder.RecordFailureAsync(new AuditActor("burst@logins.test", null, "10.7.7.7"), "email:burst@logins.test", SignInFailureReasons.UnknownUser, Agent);
        for (var i = 0; i < 6; i++)
        {
            await Fail();
        }

        var first = Assert.Single(await AlertsAsync(LoginAlertKind.BruteForceAccount));
        var by = await app.ForAsync(await app.CreateUserAsync("soc@logins.test", Roles.Auditor));
        await app.WithScopeAsync(s => s.GetRequiredService<LoginAuditService>().AcknowledgeAsync(by, first.Id, "Blocked at the proxy.", null));
        await Fail();
        await Fail();

        var alerts = await AlertsAsync(LoginAlertKind.BruteForceAccount);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(6, alerts[0].EventCount);
        Assert.True(alerts[1].IsOpen);
    }

    [Fact]
    public async Task Failures_spread_beyond_ten_minutes_raise_no_brute_force_alert()
    {
        var recorder = app.App.GetRequiredService<SignInRecorder>();
        for (var i = 0; i < 8; i++)
        {
            await recorder.RecordFailureAsync(new AuditActor("slow@logins.test", null, "10.9.9.9"), "email:slow@logins.test", SignInFailureReasons.UnknownUser, Agent);
            app.Time.Advance(TimeSpan.FromMinutes(3));
        }

        Assert.Empty(await AlertsAsync(LoginAlertKind.BruteForceAccount));
    }

    [Fact]
    public async Task Twenty_failures_from_one_address_raise_one_alert_and_nineteen_raise_none()
    {
        var recorder = app.App.GetRequiredService<SignInRecorder>();
        Task Fail(int i) => recorder.RecordFailureAsync(new AuditActor($"spray{i}@logins.test", null, "203.0.113.5"), $"email:spray{i}@logins.test", SignInFailureReasons.UnknownUser, Agent);
        for (var i = 0; i < 19; i++)
        {
            await Fail(i);
        }

        var afterNineteen = await AlertsAsync(LoginAlertKind.BruteForceIp);
        await Fail(19);
        await Fail(20);

        Assert.Empty(afterNineteen);
        var alert = Assert.Single(await AlertsAsync(LoginAlertKind.BruteForceIp));
        Assert.Equal("203.0.113.5", alert.Subject);
        Assert.Equal(21, alert.EventCount);
        Assert.Empty(await AlertsAsync(LoginAlertKind.BruteForceAccount));
    }

    [Fact]
    public async Task A_sign_in_from_a_new_address_raises_an_alert_and_one_from_a_known_address_does_not()
    {
        await app.CreateUserAsync("traveller@logins.test", Roles.Auditor);

        await SignInFromAsync("traveller@logins.test", "198.51.100.1");
        await SignInFromAsync("traveller@logins.test", "198.51.100.1");
        var sameAddress = await AlertsAsync(LoginAlertKind.NewIp);
        await SignInFromAsync("traveller@logins.test", "198.51.100.2");

        Assert.Empty(sameAddress);
        var alert = Assert.Single(await AlertsAsync(LoginAlertKind.NewIp));
        Assert.Equal("traveller@logins.test", alert.Subject);
        Assert.Equal(LoginAlertSeverity.Low, alert.Severity);
        Assert.Contains("198.51.100.2", alert.Evidence, StringComparison.Ordinal);
        Assert.Contains("198.51.100.1", alert.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_privileged_sign_in_at_22_00_in_the_configured_zone_raises_an_alert_and_one_at_09_00_on_a_Tuesday_does_not()
    {
        app.With("Audit:BusinessHours:TimeZone", "Europe/Paris");
        await app.CreateUserAsync("admin@logins.test", Roles.EmmAdmin);
        await app.CreateUserAsync("auditor@logins.test", Roles.Auditor);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var tuesday = NextLocal(paris, DayOfWeek.Tuesday, new TimeOnly(9, 0));

        app.Time.SetUtcNow(tuesday);
        await SignInFromAsync("admin@logins.test", null);
        var atNine = await AlertsAsync(LoginAlertKind.OffHoursPrivileged);
        app.Time.Advance(TimeSpan.FromHours(13));
        await SignInFromAsync("admin@logins.test", null);
        await SignInFromAsync("auditor@logins.test", null);

        Assert.Empty(atNine);
        var alert = Assert.Single(await AlertsAsync(LoginAlertKind.OffHoursPrivileged));
        Assert.Equal("admin@logins.test", alert.Subject);
        Assert.Equal(LoginAlertSeverity.Medium, alert.Severity);
        Assert.Contains("22:00", alert.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_after_60_days_raises_a_dormant_account_alert_and_one_after_59_days_does_not()
    {
        await app.CreateUserAsync("sleeper@logins.test", Roles.Auditor);

        await SignInFromAsync("sleeper@logins.test", null);
        app.Time.Advance(TimeSpan.FromDays(59));
        await SignInFromAsync("sleeper@logins.test", null);
        var after59 = await AlertsAsync(LoginAlertKind.Dormant);
        app.Time.Advance(TimeSpan.FromDays(60));
        await SignInFromAsync("sleeper@logins.test", null);

        Assert.Empty(after59);
        var alert = Assert.Single(await AlertsAsync(LoginAlertKind.Dormant));
        Assert.Equal("sleeper@logins.test", alert.Subject);
        Assert.Contains("60 days", alert.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.EmmAdmin)]
    public async Task Acknowledging_an_alert_needs_a_comment_and_is_audited(string role)
    {
        var alertId = await RaiseDormantAlertAsync();
        var id = await app.CreateUserAsync($"ack-{role}@logins.test", role);
        var by = await app.ForAsync(id);

        var refused = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s => s.GetRequiredService<LoginAuditService>().AcknowledgeAsync(by, alertId, "   ", "10.1.1.1")));
        var stillOpen = (await app.WithDbAsync(db => db.LoginAlerts.SingleAsync(a => a.Id == alertId))).IsOpen;
        await app.WithScopeAsync(s => s.GetRequiredService<LoginAuditService>().AcknowledgeAsync(by, alertId, "Called the user: back from leave.", "10.1.1.1"));

        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.True(stillOpen);
        var alert = await app.WithDbAsync(db => db.LoginAlerts.SingleAsync(a => a.Id == alertId));
        Assert.Equal($"ack-{role}@logins.test", alert.AcknowledgedBy);
        Assert.Equal("Called the user: back from leave.", alert.AcknowledgementComment);
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime, alert.AcknowledgedAtUtc!.Value, TimeSpan.FromMilliseconds(1));
        var e = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(x => x.Action == AuditActions.AlertAcknowledged));
        Assert.Equal($"login-alert:{alertId}", e.Target);
        Assert.Equal("10.1.1.1", e.ClientIp);
        Assert.Equal("Called the user: back from leave.", Detail(e.Details, "comment"));
    }

    [Theory]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.SecurityReviewer)]
    public async Task Developers_and_security_reviewers_may_not_acknowledge_an_alert(string role)
    {
        var alertId = await RaiseDormantAlertAsync();
        var by = await app.ForAsync(await app.CreateUserAsync($"no-ack-{role}@logins.test", role));

        var refused = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s => s.GetRequiredService<LoginAuditService>().AcknowledgeAsync(by, alertId, "Looks fine to me.", null)));

        Assert.Equal(RefusalKind.Forbidden, refused.Kind);
        Assert.True((await app.WithDbAsync(db => db.LoginAlerts.SingleAsync(a => a.Id == alertId))).IsOpen);
        Assert.False(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(x => x.Action == AuditActions.AlertAcknowledged)));
    }

    [Theory]
    [InlineData("TimeZone", "Mars/Olympus_Mons")]
    [InlineData("Days", "Mon,Funday")]
    [InlineData("Start", "19:00")]
    public void Business_hours_that_make_no_sense_are_refused_at_start_up(string key, string value)
    {
        app.With($"Audit:BusinessHours:{key}", value);

        var error = Assert.ThrowsAny<Exception>(() => app.App);

        Assert.Contains("Audit:BusinessHours", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Business_hours_default_to_08_00_18_00_Monday_to_Friday_UTC()
    {
        var hours = app.App.GetRequiredService<IOptions<LoginAuditOptions>>().Value.BusinessHours;
        var monday = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

        Assert.True(hours.Contains(monday.AddHours(8)));
        Assert.True(hours.Contains(monday.AddHours(17).AddMinutes(59)));
        Assert.False(hours.Contains(monday.AddHours(18)));
        Assert.False(hours.Contains(monday.AddHours(7).AddMinutes(59)));
        Assert.False(hours.Contains(monday.AddDays(5).AddHours(12)));
    }

    private async Task<long> RaiseDormantAlertAsync()
    {
        await app.CreateUserAsync("dormant@logins.test", Roles.Auditor);
        await SignInFromAsync("dormant@logins.test", null);
        app.Time.Advance(TimeSpan.FromDays(61));
        await SignInFromAsync("dormant@logins.test", null);
        return Assert.Single(await AlertsAsync(LoginAlertKind.Dormant)).Id;
    }

    private static DateTimeOffset NextLocal(TimeZoneInfo zone, DayOfWeek day, TimeOnly at)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(1);
        while (local.DayOfWeek != day)
        {
            local = local.AddDays(1);
        }

        var wall = local + at.ToTimeSpan();
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    private HttpClient ClientFrom(string ip)
    {
        var client = app.CreateNoRedirectClient();
        client.DefaultRequestHeaders.Add(MasqueAppFactory.ClientIpHeader, ip);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Agent);
        return client;
    }

    private async Task SignInFromAsync(string email, string? ip)
    {
        using var client = ip is null ? app.CreateNoRedirectClient() : ClientFrom(ip);
        var response = await MasqueAppFactory.PostLoginAsync(client, email, MasqueAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task SignOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("Account/Manage");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["ReturnUrl"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("Account/Logout", form)).StatusCode);
    }

    private Task<List<LoginAlert>> AlertsAsync(LoginAlertKind kind) =>
        app.WithDbAsync(db => db.LoginAlerts.Where(a => a.Kind == kind).OrderBy(a => a.Id).ToListAsync());

    private Task<List<AuditEvent>> TokenUsesAsync() =>
        app.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.TokenUsed).ToListAsync());

    private static string? Detail(string details, string name)
    {
        using var json = JsonDocument.Parse(details);
        return json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
