using Bunit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Components.Fleet;

public sealed class ApprovalBadgeTests : FleetPageContext
{
    [Fact]
    public async Task A_second_administrator_sees_a_pending_wipe_in_the_app_bar_and_the_count_follows_live()
    {
        var requester = await App.CreateUserAsync("asker@corp.test", Roles.EmmAdmin);
        await SignInAsAsync(Roles.EmmAdmin);
        var device = await App.AddDeviceAsync("lost@corp.test");
        await App.AddWipeRequestAsync(device.Id, requester, "asker@corp.test", "Reported stolen at the airport.");

        var badge = Render<ApprovalBadge>();

        badge.WaitForAssertion(() => Assert.Contains("1", badge.Find("[data-testid=approval-badge]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("quarantine", badge.Find("[data-testid=approval-link]").GetAttribute("href"));

        // A second request arrives through the service: the badge hears of it without a reload.
        var other = await App.AddDeviceAsync("other@corp.test");
        await App.WithScopeAsync(async sp => await sp.GetRequiredService<FleetService>()
            .RequestFullWipeAsync(await App.ForAsync(requester), other.Id, "Left the company with the device.", null));
        badge.WaitForAssertion(() => Assert.Contains("2", badge.Find("[data-testid=approval-badge]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task The_requester_is_not_asked_to_approve_their_own_wipe_but_hears_of_a_held_batch()
    {
        var me = await SignInAsAsync(Roles.EmmAdmin);
        var device = await App.AddDeviceAsync("lost@corp.test");
        await App.AddWipeRequestAsync(device.Id, me, "me@corp.test", "Reported stolen at the airport.");
        await App.WithDbAsync(async db =>
        {
            db.HeldBatches.Add(new MasqueDashboard.Features.Compliance.HeldBatch
            {
                Id = Guid.NewGuid(), RuleIds = "SIGNER-REVOKED", Limit = "25 devices within 20 minutes", Reason = "SIGNER-REVOKED: step 1",
                HeldAtUtc = App.Time.GetUtcNow().UtcDateTime, LastHeldAtUtc = App.Time.GetUtcNow().UtcDateTime, DeviceCount = 40, CommandCount = 40,
            });
            return await db.SaveChangesAsync();
        });

        var badge = Render<ApprovalBadge>();

        badge.WaitForAssertion(() => Assert.Contains("1", badge.Find("[data-testid=approval-badge]").TextContent, StringComparison.Ordinal), Patience);
        var label = badge.Find("[data-testid=approval-link]").GetAttribute("aria-label");
        Assert.Equal("1 batch(es) held by the mass-action brake", label);
    }
}
