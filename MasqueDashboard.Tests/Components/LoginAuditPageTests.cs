using Bunit;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Logins;
using MasqueDashboard.Features.Users.SignIn;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Components;

public sealed class LoginAuditPageTests : FleetPageContext
{
    public LoginAuditPageTests() => AddAppService<LoginAuditService>();

    private IRenderedComponent<LoginAuditPage> RenderPage()
    {
        var page = Render<LoginAuditPage>();
        page.WaitForElement("[data-testid=top-accounts]", Patience);
        return page;
    }

    private async Task FailFromAsync(string account, string ip, int times)
    {
        var recorder = App.App.GetRequiredService<SignInRecorder>();
        for (var i = 0; i < times; i++)
        {
            await recorder.RecordFailureAsync(new AuditActor(account, null, ip), $"email:{account}", SignInFailureReasons.UnknownUser, "bunit");
        }
    }

    [Fact]
    public async Task The_page_charts_outcomes_and_ranks_failing_accounts_and_addresses()
    {
        await SignInAsAsync(Roles.Auditor);
        await FailFromAsync("many@logins.test", "10.0.0.1", 3);
        await FailFromAsync("few@logins.test", "10.0.0.2", 1);

        var page = RenderPage();

        Assert.NotNull(page.Find("[data-testid=chart-login-outcomes]"));
        var accounts = page.FindAll("[data-testid=top-accounts] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, accounts.Count);
        Assert.Contains("many@logins.test", accounts[0], StringComparison.Ordinal);
        Assert.Contains("3", accounts[0], StringComparison.Ordinal);
        Assert.Contains("10.0.0.1", page.FindAll("[data-testid=top-ips] tbody tr")[0].TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("few@logins.test", page.Find("[data-testid=signin-grid]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task An_auditor_acknowledges_an_open_alert_with_a_comment()
    {
        await SignInAsAsync(Roles.Auditor, "ack@logins.test");
        await FailFromAsync("victim@logins.test", "10.0.0.3", SignInRecorder.AccountFailureThreshold);
        var dialogs = RenderProviders();
        var page = RenderPage();

        var alertId = await App.WithDbAsync(db => db.LoginAlerts.Select(a => a.Id).SingleAsync());
        Assert.Contains("victim@logins.test", page.Find($"[data-testid=alert-{alertId}]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=acknowledge]").Click();
        dialogs.WaitForElement("[data-testid=reason-ok]", Patience);
        Assert.True(dialogs.Find("[data-testid=reason-ok]").HasAttribute("disabled"));
        dialogs.Find("textarea").Input("Pen test agreed with the CISO.");
        dialogs.Find("[data-testid=reason-ok]").Click();

        page.WaitForAssertion(() => Assert.Contains("Pen test agreed with the CISO.", page.Find("[data-testid=acknowledged-alerts]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("No open login alerts", page.Markup, StringComparison.Ordinal);
        Assert.Equal("ack@logins.test", await App.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.AlertAcknowledged).Select(e => e.Actor).SingleAsync()));
    }

    [Fact]
    public async Task An_alert_raised_while_the_page_is_open_appears_without_a_reload()
    {
        await SignInAsAsync(Roles.Auditor);
        var page = RenderPage();
        Assert.Contains("No open login alerts", page.Markup, StringComparison.Ordinal);

        await FailFromAsync("live@logins.test", "10.0.0.4", SignInRecorder.AccountFailureThreshold);

        page.WaitForAssertion(() => Assert.Contains("live@logins.test", page.Find("[data-testid=open-alerts]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task The_app_bar_badge_counts_open_alerts_live_and_announces_each_new_one()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        RenderProviders();
        var badge = Render<LoginAlertBadge>();
        Assert.Empty(badge.FindAll("[data-testid=login-alert-badge] [role=status]"));

        await FailFromAsync("badge@logins.test", "10.0.0.5", SignInRecorder.AccountFailureThreshold);

        badge.WaitForAssertion(() => Assert.Equal("1", badge.Find("[data-testid=login-alert-badge] [role=status]").TextContent.Trim()), Patience);
        var toast = Assert.Single(Snackbar.ShownSnackbars);
        Assert.Contains("Login alert (High)", toast.Message, StringComparison.Ordinal);
        Assert.Contains("badge@logins.test", toast.Message, StringComparison.Ordinal);

        // A burst that goes on extends the same alert: the count stays, no second announcement.
        await FailFromAsync("badge@logins.test", "10.0.0.5", 1);
        var id = await App.WithDbAsync(db => db.LoginAlerts.Select(a => a.Id).SingleAsync());
        await App.App.GetRequiredService<LoginAuditService>().AcknowledgeAsync(await App.ForAsync(await App.CreateUserAsync("acker@logins.test", Roles.Auditor)), id, "Checked.", null);
        badge.WaitForAssertion(() => Assert.Empty(badge.FindAll("[data-testid=login-alert-badge] [role=status]")), Patience);
        Assert.Single(Snackbar.ShownSnackbars);
    }
}
