using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace MasqueDashboard.Tests.Components.Fleet;

public sealed class QuarantinePageTests : FleetPageContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private IRenderedComponent<QuarantinePage> RenderPage()
    {
        dialogs = RenderProviders();
        var page = Render<QuarantinePage>();
        page.WaitForElement("[data-testid=pending-wipes]", Patience);
        return page;
    }

    private async Task<(Device Device, Guid Request)> PendingWipeAsync(string requestedById, string requestedBy = "other-admin@corp.test")
    {
        var device = await App.AddDeviceAsync("lost@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        return (device, await App.AddWipeRequestAsync(device.Id, requestedById, requestedBy, "Reported stolen at the airport."));
    }

    [Fact]
    public async Task The_page_lists_quarantined_devices_pending_wipes_and_escalations_due()
    {
        await SignInAsAsync(Roles.Auditor);
        var (lost, request) = await PendingWipeAsync("someone-else");
        var bob = await App.AddDeviceAsync("bob@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        await App.AddViolationAsync(bob.Id, ViolationIds.MasqueBundleHijack, "impostor of Bank", subject: "com.example.bank", stepsApplied: 1);
        await App.AddDeviceAsync("fine@corp.test");

        var page = RenderPage();

        Assert.Equal("2", page.Find("[data-testid=quarantined-count]").TextContent.Trim());
        var links = page.FindAll("[data-testid=quarantined-device]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(new[] { $"devices/{lost.Id}", $"devices/{bob.Id}" }.Order(), links.Order());
        var wipe = page.Find($"[data-testid=wipe-{request}]");
        Assert.Contains("Reported stolen at the airport.", wipe.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=approve-wipe]"));
        var escalation = page.Find("[data-testid=escalation]");
        Assert.Contains("bob@corp.test", escalation.TextContent, StringComparison.Ordinal);
        Assert.Contains(ViolationIds.MasqueBundleHijack, escalation.TextContent, StringComparison.Ordinal);
        Assert.Contains("SelectiveWipe", escalation.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_calm_fleet_shows_four_empty_states()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        await App.AddDeviceAsync("fine@corp.test");

        var page = RenderPage();

        Assert.Equal(4, page.FindAll("[data-testid=empty-state]").Count);
        Assert.Equal("0", page.Find("[data-testid=quarantined-count]").TextContent.Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_administrator_decides_a_pending_wipe_with_a_comment(bool approve)
    {
        var other = await App.CreateUserAsync("other-admin@corp.test", Roles.EmmAdmin);
        await SignInAsAsync(Roles.EmmAdmin);
        var (device, request) = await PendingWipeAsync(other);
        var page = RenderPage();

        page.Find($"[data-testid=wipe-{request}] [data-testid={(approve ? "approve-wipe" : "deny-wipe")}]").Click();
        dialogs.WaitForElement("[data-testid=reason-ok]", Patience);
        dialogs.Find("textarea").Input("Confirmed with the owner by phone.");
        dialogs.Find("[data-testid=reason-ok]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid=wipe-{request}]")), Patience);
        var decided = await App.WithDbAsync(db => db.FullWipeRequests.SingleAsync(w => w.Id == request));
        Assert.Equal(approve ? FullWipeStatus.Approved : FullWipeStatus.Denied, decided.Status);
        Assert.Equal("Confirmed with the owner by phone.", decided.DecisionComment);
        Assert.Equal(approve ? 1 : 0, await App.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.DeviceId == device.Id && c.Type == CommandType.FullWipe)));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Success);
    }

    [Fact]
    public async Task The_requester_cannot_decide_their_own_wipe()
    {
        var me = await SignInAsAsync(Roles.EmmAdmin);
        var (_, request) = await PendingWipeAsync(me, "me@corp.test");

        var page = RenderPage();

        var row = page.Find($"[data-testid=wipe-{request}]");
        Assert.True(row.QuerySelector("[data-testid=approve-wipe]")!.HasAttribute("disabled"));
        Assert.True(row.QuerySelector("[data-testid=deny-wipe]")!.HasAttribute("disabled"));
        Assert.NotNull(row.QuerySelector("[data-testid=own-request]"));
    }

    [Fact]
    public async Task A_refusal_from_the_service_shows_as_a_snackbar()
    {
        var other = await App.CreateUserAsync("other-admin@corp.test", Roles.EmmAdmin);
        await SignInAsAsync(Roles.EmmAdmin);
        var (device, request) = await PendingWipeAsync(other);
        var page = RenderPage();
        await App.WithDbAsync(async db =>
        {
            var decided = await db.FullWipeRequests.SingleAsync(w => w.Id == request);
            (decided.Status, decided.DecidedBy, decided.DecisionComment) = (FullWipeStatus.Denied, "third-admin@corp.test", "Found the phone.");
            return await db.SaveChangesAsync();
        });

        page.Find($"[data-testid=wipe-{request}] [data-testid=approve-wipe]").Click();
        dialogs.WaitForElement("[data-testid=reason-ok]", Patience);
        dialogs.Find("textarea").Input("Wipe it.");
        dialogs.Find("[data-testid=reason-ok]").Click();

        page.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Error && (s.Message ?? "").Contains("already denied", StringComparison.Ordinal)), Patience);
        Assert.Equal(0, await App.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.DeviceId == device.Id)));
    }
}
