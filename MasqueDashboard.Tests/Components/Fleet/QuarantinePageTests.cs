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

    private async Task<Guid> HeldBatchAsync(params long[] deviceIds)
    {
        var id = Guid.NewGuid();
        var now = App.Time.GetUtcNow().UtcDateTime;
        await App.WithDbAsync(async db =>
        {
            db.HeldBatches.Add(new HeldBatch
            {
                Id = id, RuleIds = ViolationIds.SignerRevoked, Limit = "25 devices within 20 minutes", Reason = "SIGNER-REVOKED: No Masque apps, step 1",
                HeldAtUtc = now, LastHeldAtUtc = now, DeviceCount = deviceIds.Length, CommandCount = deviceIds.Length,
            });
            db.HeldCommands.AddRange(deviceIds.Select(d => new HeldCommand
            {
                BatchId = id, DeviceId = d, Type = CommandType.RemoveApp, Payload = "{\"bundleId\":\"com.example.bank\"}", RuleId = ViolationIds.SignerRevoked,
                Subject = "com.example.bank", Reason = "SIGNER-REVOKED: No Masque apps, step 1", HeldAtUtc = now,
            }));
            return await db.SaveChangesAsync();
        });
        return id;
    }

    [Fact]
    public async Task An_administrator_sees_what_the_brake_held_and_cancels_it_in_one_click()
    {
        await SignInAsAsync(Roles.EmmAdmin);
        var bob = await App.AddDeviceAsync("bob@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        var ann = await App.AddDeviceAsync("ann@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        var batch = await HeldBatchAsync(bob.Id, ann.Id);

        var page = RenderPage();

        var row = page.Find($"[data-testid=batch-{batch}]");
        Assert.Contains(ViolationIds.SignerRevoked, row.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", row.QuerySelector("[data-testid=batch-devices]")!.TextContent.Trim());
        Assert.Contains("2 × RemoveApp", row.QuerySelector("[data-testid=batch-summary]")!.TextContent, StringComparison.Ordinal);
        page.Find($"[data-testid=batch-{batch}] [data-testid=cancel-batch]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid=batch-{batch}]")), Patience);
        Assert.Equal(HeldBatchStatus.Cancelled, (await App.WithDbAsync(db => db.HeldBatches.SingleAsync(b => b.Id == batch))).Status);
        Assert.False(await App.WithDbAsync(db => db.DeviceCommands.AnyAsync()));
    }

    [Fact]
    public async Task An_auditor_sees_held_batches_but_cannot_release_or_cancel_them()
    {
        await SignInAsAsync(Roles.Auditor);
        var bob = await App.AddDeviceAsync("bob@corp.test", ComplianceState.Quarantined, network: NetworkState.Blocked);
        var batch = await HeldBatchAsync(bob.Id);

        var page = RenderPage();

        Assert.Single(page.FindAll($"[data-testid=batch-{batch}]"));
        Assert.Empty(page.FindAll("[data-testid=release-batch]"));
        Assert.Empty(page.FindAll("[data-testid=cancel-batch]"));
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
