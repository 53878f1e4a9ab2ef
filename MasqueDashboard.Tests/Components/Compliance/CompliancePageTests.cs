using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Components.Compliance;

public sealed class CompliancePageTests : FleetPageContext
{
    private IRenderedComponent<CompliancePage> RenderPage()
    {
        RenderProviders();
        var page = Render<CompliancePage>();
        page.WaitForElement("[data-testid=policy-version]", Patience);
        return page;
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<CompliancePage> page, string testId) =>
        page.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private Task<PolicySet> CurrentAsync(string userId) =>
        App.WithScopeAsync(async s => await s.GetRequiredService<PolicyService>().GetAsync(await App.ForAsync(userId)));

    [Fact]
    public async Task Auditors_read_the_policies_without_editing_them()
    {
        await SignInAsAsync(Roles.Auditor);

        var page = RenderPage();

        Assert.NotNull(page.Find("[data-testid=read-only]"));
        Assert.Empty(page.FindAll("[data-testid=save-panel]"));
        Assert.Empty(page.FindAll("[data-testid^=add-step-]"));
        Assert.True(Input(page, "enabled-checkin").HasAttribute("disabled"));
        Assert.Equal(PolicyIds.All.Count, page.FindAll("[data-testid^=policy-]").Count(e => PolicyIds.All.Any(id => e.GetAttribute("data-testid") == $"policy-{id}")));
        Assert.Contains("No version saved yet", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_editor_saves_the_ladders_and_settings_it_shows_and_reports_the_reevaluation()
    {
        var me = await SignInAsAsync(Roles.EmmAdmin);
        var old = await App.AddDeviceAsync("old@corp.test", os: "7.1.2");
        var page = RenderPage();
        Assert.True(page.Find("[data-testid=save-policies]").HasAttribute("disabled"));

        Input(page, "setting-minimum-os").Input("8.0");
        Input(page, "enabled-checkin").Change(false);
        page.Find($"[data-testid=add-step-{PolicyIds.NoMasqueApps}]").Click();
        Input(page, $"step-{PolicyIds.NoMasqueApps}-2-hours").Input("72");
        Input(page, $"step-{PolicyIds.NoMasqueApps}-2-{CommandType.Notify}").Change(false);
        Input(page, $"step-{PolicyIds.NoMasqueApps}-2-{CommandType.SelectiveWipe}").Change(true);
        page.Find($"[data-testid=add-step-{PolicyIds.Container}]").Click();
        page.Find($"[data-testid=step-{PolicyIds.Container}-0-remove]").Click();
        page.Find("textarea[data-testid=policy-comment], [data-testid=policy-comment] textarea").Input("iOS 8 minimum; wipe Masque'd phones again after 3 days.");
        page.Find("[data-testid=save-policies]").Click();

        var result = page.WaitForElement("[data-testid=save-result]", Patience);
        Assert.Equal("Saved version 1: re-evaluated 1 device(s), 1 changed.", result.TextContent.Trim());
        var saved = await CurrentAsync(me);
        Assert.Equal(1, saved.Version);
        Assert.Equal("8.0", saved.Document[PolicyIds.MinimumOs].Setting);
        Assert.False(saved.Document[PolicyIds.CheckIn].Enabled);
        var masque = saved.Document[PolicyIds.NoMasqueApps].Ladder;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(24), TimeSpan.FromHours(72)], masque.Select(s => s.After));
        Assert.Equal([CommandType.SelectiveWipe], masque[2].Actions);
        Assert.Equal([CommandType.Notify, CommandType.BlockNetwork, CommandType.RemoveApp], masque[0].Actions);
        var container = Assert.Single(saved.Document[PolicyIds.Container].Ladder);
        Assert.Equal(TimeSpan.FromHours(24), container.After);
        Assert.Equal([CommandType.Notify], container.Actions);
        Assert.Equal(ComplianceState.NonCompliant, (await App.WithDbAsync(db => db.Devices.SingleAsync(d => d.Id == old.Id))).Compliance);
        Assert.Equal("Version 1", page.Find("[data-testid=policy-version]").TextContent.Trim());
        Assert.Contains("iOS 8 minimum", page.Find("[data-testid=policy-history]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_over_a_version_someone_else_saved_shows_the_conflict_and_reloads_on_request()
    {
        var other = await App.CreateUserAsync("other-admin@corp.test", Roles.EmmAdmin);
        await SignInAsAsync(Roles.EmmAdmin);
        var page = RenderPage();
        await App.WithScopeAsync(async s => await s.GetRequiredService<PolicyService>()
            .UpdateAsync(await App.ForAsync(other), PolicyDocument.Default, 0, "Saved first.", null));

        page.Find("textarea[data-testid=policy-comment], [data-testid=policy-comment] textarea").Input("My change.");
        page.Find("[data-testid=save-policies]").Click();

        var conflict = page.WaitForElement("[data-testid=save-conflict]", Patience);
        Assert.Contains("Someone saved version 1 while you were editing version 0", conflict.TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=reload-latest]").Click();
        page.WaitForAssertion(() => Assert.Equal("Version 1", page.Find("[data-testid=policy-version]").TextContent.Trim()), Patience);
        Assert.Empty(page.FindAll("[data-testid=save-conflict]"));
        Assert.Equal(1, (await CurrentAsync(other)).Version);
    }

    [Fact]
    public async Task An_invalid_setting_is_refused_with_the_services_reason()
    {
        var me = await SignInAsAsync(Roles.EmmAdmin);
        var page = RenderPage();

        Input(page, "setting-minimum-os").Input("seven");
        page.Find("textarea[data-testid=policy-comment], [data-testid=policy-comment] textarea").Input("Typo ahead.");
        page.Find("[data-testid=save-policies]").Click();

        var problem = page.WaitForElement("[data-testid=save-problem]", Patience);
        Assert.Contains("must look like 7.1", problem.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, (await CurrentAsync(me)).Version);
    }
}
