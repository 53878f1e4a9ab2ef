using System.Security.Claims;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>PRODUCT.md §7, approvals that people notice: who is told, and what happens when nobody decides.</summary>
public sealed class ApprovalTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet().With("Fleet:Brake:MaxDevices", "1");

    public void Dispose() => app.Dispose();

    private async Task<(ClaimsPrincipal User, string Id)> UserAsync(string role)
    {
        var id = await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@fleet.test", role);
        return (await app.ForAsync(id), id);
    }

    private Task<T> FleetAsync<T>(Func<FleetService, Task<T>> work) => app.WithScopeAsync(sp => work(sp.GetRequiredService<FleetService>()));

    /// <summary>A full wipe requested by <paramref name="requester"/>, and a batch the brake held after a revocation reached two devices.</summary>
    private async Task<(Guid Wipe, long Device)> PendingWipeAndHeldBatchAsync(ClaimsPrincipal requester)
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var devices = new List<ContractDevice>();
        for (var i = 0; i < 2; i++)
        {
            var d = await ContractDevice.EnrollAsync(app);
            await d.CheckInAsync(FleetTestData.CleanApps);
            devices.Add(d);
        }

        await app.WithScopeAsync(sp => sp.GetRequiredService<SignerService>().RevokeAsync(requester, FleetTestData.CorpSigner, "Key leaked in a phishing kit", null));
        var wipe = await FleetAsync(f => f.RequestFullWipeAsync(requester, devices[0].DeviceId, "Stolen at the airport, owner confirmed", null));
        return (wipe.Id, devices[0].DeviceId);
    }

    [Fact]
    public async Task Every_EMM_administrator_but_the_requester_is_told_of_a_pending_wipe_and_all_of_them_of_a_held_batch()
    {
        var (requester, _) = await UserAsync(Roles.EmmAdmin);
        var (second, _) = await UserAsync(Roles.EmmAdmin);
        var (auditor, _) = await UserAsync(Roles.Auditor);
        var (developer, _) = await UserAsync(Roles.Developer);
        await PendingWipeAndHeldBatchAsync(requester);

        Assert.Equal(new PendingApprovals(0, 1), await FleetAsync(f => f.PendingApprovalsAsync(requester)));
        Assert.Equal(new PendingApprovals(1, 1), await FleetAsync(f => f.PendingApprovalsAsync(second)));
        Assert.Equal(new PendingApprovals(0, 0), await FleetAsync(f => f.PendingApprovalsAsync(auditor)));
        var refused = await Assert.ThrowsAsync<DomainException>(() => FleetAsync(f => f.PendingApprovalsAsync(developer)));
        Assert.Equal(RefusalKind.Forbidden, refused.Kind);

        // Both arose as audit events, which is what the SIEM forwards.
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == FleetActions.WipeRequested)));
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == FleetActions.BatchHeld)));
    }

    [Fact]
    public async Task A_wipe_and_a_held_batch_nobody_decided_on_expire_as_denied_after_the_approval_expiry_each_audited()
    {
        var (requester, _) = await UserAsync(Roles.EmmAdmin);
        var (second, _) = await UserAsync(Roles.EmmAdmin);
        var (wipe, device) = await PendingWipeAndHeldBatchAsync(requester);
        var sweeper = app.App.GetRequiredService<EscalationWorker>();

        app.Time.Advance(TimeSpan.FromHours(72) - TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync();
        Assert.Equal(new PendingApprovals(1, 1), await FleetAsync(f => f.PendingApprovalsAsync(second)));

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync();

        var request = await app.WithDbAsync(db => db.FullWipeRequests.SingleAsync(w => w.Id == wipe));
        Assert.Equal((FullWipeStatus.Denied, "system"), (request.Status, request.DecidedBy));
        Assert.Contains("nobody decided within 3 days", request.DecisionComment, StringComparison.Ordinal);
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        Assert.Equal(HeldBatchStatus.Expired, batch.Status);
        Assert.Equal(new PendingApprovals(0, 0), await FleetAsync(f => f.PendingApprovalsAsync(second)));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.WipeExpired && e.Target == FleetActions.Target(device))));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.BatchExpired && e.Target == FleetActions.BatchTarget(batch.Id))));
        Assert.False(await app.WithDbAsync(db => db.DeviceCommands.AnyAsync(c => c.Type == CommandType.FullWipe)));

        // Expired is final: nobody approves it afterwards, and the next sweep has nothing more to expire.
        var late = await Assert.ThrowsAsync<DomainException>(() => FleetAsync(async f => { await f.DecideFullWipeAsync(second, wipe, true, "Approving late", null); return 0; }));
        Assert.Equal(RefusalKind.Conflict, late.Kind);
        await sweeper.SweepAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.WipeExpired)));
    }
}
