using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace MasqueDashboard.Tests.Components.Fleet;

public sealed class DevicePageTests : FleetPageContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private IRenderedComponent<DevicePage> RenderPage(long id)
    {
        dialogs = RenderProviders();
        var page = Render<DevicePage>(p => p.Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")), Patience);
        return page;
    }

    /// <summary>Bob's phone carries an impostor of the catalog's Bank app (another team) beside a genuine App Store app.</summary>
    private async Task<Device> BobWithAnImpostorAsync()
    {
        await App.PublishCatalogAppAsync("com.example.bank", "Bank", "BANKTEAM01");
        var bob = await App.AddDeviceAsync("bob@corp.test", ComplianceState.Quarantined, os: "8.1.2", network: NetworkState.Blocked, model: "iPhone 6 Plus");
        await App.AddAppAsync(bob.Id, "com.example.bank", "Bank", "EVILTEAM01", version: "9.9", distribution: "Enterprise", managed: false);
        await App.AddAppAsync(bob.Id, "com.example.notes", "Notes", "NOTESTEAM1");
        await App.AddViolationAsync(bob.Id, ViolationIds.MasqueBundleHijack, "com.example.bank 9.9 is signed by team EVILTEAM01", subject: "com.example.bank", stepsApplied: 1);
        await App.AddCommandAsync(bob.Id, CommandType.BlockNetwork, CommandStatus.Acknowledged, "MASQUE-BUNDLE-HIJACK: step 1");
        await App.AddCommandAsync(bob.Id, CommandType.RemoveApp, CommandStatus.Error, "MASQUE-BUNDLE-HIJACK: step 1", detail: "The app is not managed");
        return bob;
    }

    [Fact]
    public async Task The_page_shows_the_facts_the_apps_the_violations_and_the_commands()
    {
        await SignInAsAsync(Roles.Auditor);
        var bob = await BobWithAnImpostorAsync();

        var page = RenderPage(bob.Id);

        Assert.Equal("bob@corp.test", page.Find("[data-testid=fact-owner]").TextContent.Trim());
        Assert.Equal("8.1.2", page.Find("[data-testid=fact-os]").TextContent.Trim());
        Assert.Equal("Blocked", page.Find("[data-testid=fact-network]").TextContent.Trim());
        Assert.Contains(bob.Udid, page.Find("[data-testid=device-facts]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Quarantined", page.Find("[data-testid=device-facts] [data-testid=compliance]").TextContent.Trim());

        var bank = page.Find("[data-testid='app-com.example.bank']");
        Assert.Equal("true", bank.GetAttribute("data-flagged"));
        Assert.Equal("Impostor of Bank (team BANKTEAM01); this build is signed by team EVILTEAM01.", page.Find("[data-testid='impostor-com.example.bank'] [data-testid=impostor-note]").TextContent.Trim());
        Assert.Equal(ViolationIds.MasqueBundleHijack, bank.QuerySelector("[data-testid=violation]")!.TextContent.Trim());
        var notes = page.Find("[data-testid='app-com.example.notes']");
        Assert.Equal("false", notes.GetAttribute("data-flagged"));
        Assert.Empty(page.FindAll("[data-testid='impostor-com.example.notes']"));
        Assert.Single(page.FindAll("[data-testid=impostor-note]"));

        var violation = page.Find($"[data-testid=violation-{ViolationIds.MasqueBundleHijack}]");
        Assert.Contains("next: SelectiveWipe at", violation.QuerySelector("[data-testid=next-step]")!.TextContent, StringComparison.Ordinal);

        Assert.Equal("Acknowledged", page.Find("[data-testid=command-BlockNetwork] [data-testid=command-status]").TextContent.Trim());
        Assert.Equal("Error", page.Find("[data-testid=command-RemoveApp] [data-testid=command-status]").TextContent.Trim());
        Assert.Contains("The app is not managed", page.Find("[data-testid=command-RemoveApp]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auditors_open_the_evidence_and_see_every_command_from_queued_to_answered()
    {
        await SignInAsAsync(Roles.Auditor);
        var bob = await BobWithAnImpostorAsync();
        var page = RenderPage(bob.Id);
        Assert.Empty(page.FindAll("[data-testid=evidence-commands]"));

        page.Find("[data-testid=evidence-show]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=evidence-commands] tbody tr").Count), Patience);
        Assert.Contains("The app is not managed", page.Find("[data-testid=evidence-commands]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=evidence-events]"));
        Assert.NotNull(page.Find("[data-testid=evidence-pdf]"));
    }

    [Fact]
    public async Task Developers_and_reviewers_never_get_the_evidence_panel()
    {
        // They cannot open /devices at all (the page matrix); the panel itself also asks for CanReadAudit.
        await SignInAsAsync(Roles.SecurityReviewer);
        var bob = await BobWithAnImpostorAsync();
        var panel = Render<MasqueDashboard.Features.Fleet.Evidence.DeviceEvidencePanel>(p => p.Add(c => c.DeviceId, bob.Id));
        panel.Find("[data-testid=evidence-show]").Click();
        panel.WaitForAssertion(() => Assert.Contains("CanReadAudit", panel.Find("[data-testid=evidence-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(panel.FindAll("[data-testid=evidence-commands]"));
    }

    [Fact]
    public async Task Auditors_get_no_action_buttons()
    {
        await SignInAsAsync(Roles.Auditor);
        var bob = await BobWithAnImpostorAsync();

        var page = RenderPage(bob.Id);

        Assert.Empty(page.FindAll("[data-testid=device-actions]"));
        Assert.Empty(page.FindAll("[data-testid='remove-com.example.bank']"));
    }

    [Fact]
    public async Task Administrators_get_every_action()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        var bob = await BobWithAnImpostorAsync();

        var page = RenderPage(bob.Id);

        Assert.Equal(
            ["action-notify", "action-block", "action-unblock", "action-remove-app", "action-selective-wipe", "action-request-wipe"],
            page.FindAll("[data-testid=device-actions] button").Select(b => b.GetAttribute("data-testid")));
    }

    [Fact]
    public async Task An_unknown_device_gets_a_friendly_not_found()
    {
        await SignInAsAsync(Roles.Auditor);

        var page = RenderPage(424242);

        Assert.Contains("No such device", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=device-facts]"));
    }

    [Fact]
    public async Task An_administrator_removes_a_managed_app_from_its_row_and_sees_the_command_queued_but_not_an_unmanaged_one()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        var bob = await BobWithAnImpostorAsync();
        var page = RenderPage(bob.Id);

        // iOS lets MDM remove managed apps only: the unmanaged impostor's button is off.
        Assert.True(page.Find("[data-testid='remove-com.example.bank']").HasAttribute("disabled"));
        page.Find("[data-testid='remove-com.example.notes']").Click();
        dialogs.WaitForElement("[data-testid=action-confirm]", Patience);
        dialogs.Find("textarea").Input("Not allowed on corporate devices.");
        dialogs.Find("[data-testid=action-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.FindAll("[data-testid=command-RemoveApp] [data-testid=command-status]")[0].TextContent.Trim()), Patience);
        var queued = await App.WithDbAsync(db => db.DeviceCommands.SingleAsync(c => c.DeviceId == bob.Id && c.Status == CommandStatus.Queued));
        Assert.Equal(CommandType.RemoveApp, queued.Type);
        Assert.Contains("\"bundleId\":\"com.example.notes\"", queued.Payload, StringComparison.Ordinal);
        Assert.Contains(FleetActions.CommandQueued, page.Find("[data-testid=device-timeline]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_wipe_request_needs_ten_characters_and_then_waits_for_a_second_administrator()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        var bob = await BobWithAnImpostorAsync();
        var page = RenderPage(bob.Id);

        page.Find("[data-testid=action-request-wipe]").Click();
        dialogs.WaitForElement("[data-testid=reason-ok]", Patience);
        dialogs.Find("textarea").Input("Stolen");
        Assert.True(dialogs.Find("[data-testid=reason-ok]").HasAttribute("disabled"));
        dialogs.Find("textarea").Input("Stolen phone, reported by the owner.");
        dialogs.Find("[data-testid=reason-ok]").Click();

        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=wipe-status]").TextContent.Trim()), Patience);
        Assert.True(page.Find("[data-testid=action-request-wipe]").HasAttribute("disabled"));
        Assert.Equal(0, await App.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.Type == CommandType.FullWipe)));
    }
}
