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

/// <summary>The mass-action brake of PRODUCT.md §7 on a fake clock: contain at once, destroy only with a person.</summary>
public sealed class MassActionBrakeTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet();

    public void Dispose() => app.Dispose();

    private static object Impostor => FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner, managed: null);

    private async Task<ClaimsPrincipal> UserAsync(string role) =>
        await app.ForAsync(await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@fleet.test", role));

    private Task<T> WithBatchesAsync<T>(Func<HeldBatchService, Task<T>> work) => app.WithScopeAsync(sp => work(sp.GetRequiredService<HeldBatchService>()));

    private Task<int> DevicesWithAsync(CommandType type) =>
        app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Type == type).Select(c => c.DeviceId).Distinct().CountAsync());

    /// <summary>Devices carrying the genuine bank build signed by the corporate certificate, written in bulk.</summary>
    private async Task<List<long>> AddCarriersAsync(int count)
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        return await app.WithDbAsync(async db =>
        {
            var build = new AppBuild
            {
                Key = $"bank-{Guid.NewGuid():N}", BundleId = "com.example.bank", Name = "Bank", Version = "1.0", TeamId = FleetTestData.CorpTeam,
                SignerSha1 = FleetTestData.CorpSigner, Distribution = "Enterprise", Managed = true, FirstSeenUtc = now,
            };
            db.AppBuilds.Add(build);
            var devices = Enumerable.Range(0, count).Select(i => new Device
            {
                Udid = $"SIMULATED-{Guid.NewGuid():N}", SerialNumber = $"F{i:D10}", Model = "iPhone 6", Owner = $"user{i}@corp.example", OsVersion = "8.1",
                OsVersionKey = OsVersions.Key("8.1"), Supervised = true, ContainerEnabled = true, EnrolledAtUtc = now, LastCheckInAtUtc = now,
                TokenHash = Guid.NewGuid().ToString("N"), ComplianceChangedAtUtc = now, AppCount = 1,
            }).ToList();
            db.Devices.AddRange(devices);
            await db.SaveChangesAsync();
            db.DeviceApps.AddRange(devices.Select(d => new DeviceApp { DeviceId = d.Id, AppBuildId = build.Id }));
            await db.SaveChangesAsync();
            return devices.Select(d => d.Id).ToList();
        });
    }

    private async Task RevokeCorpSignerAsync() =>
        await app.WithScopeAsync(async sp => await sp.GetRequiredService<SignerService>().RevokeAsync(await UserAsync(Roles.EmmAdmin), FleetTestData.CorpSigner,
            "A false positive: the certificate is fine", "127.0.0.1"));

    [Fact]
    public async Task Open_pages_and_the_approval_badge_hear_of_a_batch_held_by_a_revocation()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        await AddCarriersAsync(30);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.App.GetRequiredService<FleetNotifier>().Changed += () =>
        {
            heard.TrySetResult();
            return Task.CompletedTask;
        };

        await RevokeCorpSignerAsync();

        Assert.Equal(1, await app.WithDbAsync(db => db.HeldBatches.CountAsync()));
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_revocation_reaching_1000_devices_removes_the_app_from_at_most_the_threshold_and_holds_the_rest_in_one_batch()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var carriers = await AddCarriersAsync(1_000);

        await RevokeCorpSignerAsync();

        // Contained at once, everywhere: notified and blocked.
        Assert.Equal(1_000, await DevicesWithAsync(CommandType.BlockNetwork));
        Assert.Equal(1_000, await DevicesWithAsync(CommandType.Notify));
        Assert.Equal(1_000, await app.WithDbAsync(db => db.Devices.CountAsync(d => d.Compliance == ComplianceState.Quarantined)));
        // Destroyed only up to the brake.
        Assert.Equal(25, await DevicesWithAsync(CommandType.RemoveApp));
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        Assert.Equal((HeldBatchStatus.Pending, ViolationIds.SignerRevoked, 975, 975), (batch.Status, batch.RuleIds, batch.DeviceCount, batch.CommandCount));
        var held = await app.WithDbAsync(db => db.HeldCommands.Select(h => new { h.DeviceId, h.Type }).ToListAsync());
        Assert.All(held, h => Assert.Equal(CommandType.RemoveApp, h.Type));
        var removed = await app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Type == CommandType.RemoveApp).Select(c => c.DeviceId).ToListAsync());
        Assert.Equal(carriers.Order(), held.Select(h => h.DeviceId).Concat(removed).Order());

        // The hold arose once, and every held command is on its device's record.
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.BatchHeld)));
        Assert.Equal(975, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.CommandHeld)));
        Assert.True((await app.App.GetRequiredService<MasqueDashboard.Features.Audit.IAuditLog>().VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Releasing_a_held_batch_queues_its_commands_for_the_devices_that_still_fail_the_rule()
    {
        app.With("Fleet:Brake:MaxDevices", "2");
        await app.PublishAsync("com.example.bank", "Example Bank");
        var devices = new List<ContractDevice>();
        for (var i = 0; i < 5; i++)
        {
            var d = await ContractDevice.EnrollAsync(app);
            await d.CheckInAsync(FleetTestData.CleanApps);
            devices.Add(d);
        }

        await RevokeCorpSignerAsync();
        Assert.Equal(2, await DevicesWithAsync(CommandType.RemoveApp));
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        var heldDevices = await app.WithDbAsync(db => db.HeldCommands.Select(h => h.DeviceId).ToListAsync());
        Assert.Equal(3, heldDevices.Count);

        // One held device lost the app meanwhile: the release skips it.
        var fixedDevice = devices.Single(d => d.DeviceId == heldDevices[0]);
        await fixedDevice.CheckInAsync(FleetTestData.CleanApps[..2]);

        var auditor = await UserAsync(Roles.Auditor);
        var refused = await Assert.ThrowsAsync<DomainException>(() => WithBatchesAsync(s => s.ReleaseAsync(auditor, batch.Id, null, null)));
        Assert.Equal(RefusalKind.Forbidden, refused.Kind);
        Assert.Equal(2, await DevicesWithAsync(CommandType.RemoveApp));

        var admin = await UserAsync(Roles.EmmAdmin);
        var release = await WithBatchesAsync(s => s.ReleaseAsync(admin, batch.Id, "Checked: a real revocation", null));

        Assert.Equal(new HeldBatchRelease(2, 1), release);
        Assert.Equal(4, await DevicesWithAsync(CommandType.RemoveApp));
        Assert.False(await app.WithDbAsync(db => db.DeviceCommands.AnyAsync(c => c.Type == CommandType.RemoveApp && c.DeviceId == fixedDevice.DeviceId)));
        var released = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        Assert.Equal((HeldBatchStatus.Released, 2), (released.Status, released.QueuedCount));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.BatchReleased && e.Target == FleetActions.BatchTarget(batch.Id))));

        // The released commands reach the devices at their next check-in.
        var next = await devices.Single(d => d.DeviceId == heldDevices[1]).CheckInAsync(FleetTestData.CleanApps);
        Assert.Contains(next.Commands, c => c.Type == "RemoveApp");

        var again = await Assert.ThrowsAsync<DomainException>(() => WithBatchesAsync(s => s.ReleaseAsync(admin, batch.Id, null, null)));
        Assert.Equal(RefusalKind.Conflict, again.Kind);
    }

    [Fact]
    public async Task Cancelling_a_held_batch_drops_its_commands_and_only_an_EMM_administrator_may()
    {
        app.With("Fleet:Brake:MaxDevices", "1");
        await app.PublishAsync("com.example.bank", "Example Bank");
        await AddCarriersAsync(4);
        await RevokeCorpSignerAsync();
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        Assert.Equal(3, batch.DeviceCount);

        var auditor = await UserAsync(Roles.Auditor);
        var refused = await Assert.ThrowsAsync<DomainException>(() => WithBatchesAsync(async s => { await s.CancelAsync(auditor, batch.Id, null, null); return 0; }));
        Assert.Equal(RefusalKind.Forbidden, refused.Kind);
        Assert.Equal(HeldBatchStatus.Pending, (await app.WithDbAsync(db => db.HeldBatches.SingleAsync())).Status);

        var admin = await UserAsync(Roles.EmmAdmin);
        var pending = await WithBatchesAsync(s => s.PendingAsync(admin));
        Assert.Equal(3, Assert.Single(pending).Commands.Count);
        await WithBatchesAsync(async s => { await s.CancelAsync(admin, batch.Id, null, null); return 0; });

        Assert.Equal(HeldBatchStatus.Cancelled, (await app.WithDbAsync(db => db.HeldBatches.SingleAsync())).Status);
        Assert.Equal(1, await DevicesWithAsync(CommandType.RemoveApp));
        Assert.Empty(await WithBatchesAsync(s => s.PendingAsync(admin)));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == FleetActions.BatchCancelled)));

        // The ladder does not send them later either: the step was taken by holding them.
        await app.App.GetRequiredService<EscalationWorker>().SweepAsync();
        Assert.Equal(1, await DevicesWithAsync(CommandType.RemoveApp));
    }

    [Fact]
    public async Task The_window_slides_devices_counted_more_than_the_window_ago_no_longer_count()
    {
        app.With("Fleet:Brake:MaxDevices", "2").With("Fleet:Brake:Window", "00:20:00");
        await app.PublishAsync("com.example.bank", "Example Bank");
        async Task<CheckInResult> InfectAsync() => await (await ContractDevice.EnrollAsync(app)).CheckInAsync([Impostor]);

        Assert.Contains((await InfectAsync()).Commands, c => c.Type == "RemoveApp");
        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains((await InfectAsync()).Commands, c => c.Type == "RemoveApp");
        var held = await InfectAsync();
        Assert.DoesNotContain(held.Commands, c => c.Type == "RemoveApp");
        Assert.Contains(held.Commands, c => c.Type == "BlockNetwork");
        Assert.Equal("Quarantined", held.Compliance);

        // 11 minutes on, the first device's removal left the window: one more device may be reached, not two.
        app.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Contains((await InfectAsync()).Commands, c => c.Type == "RemoveApp");
        Assert.DoesNotContain((await InfectAsync()).Commands, c => c.Type == "RemoveApp");

        Assert.Equal(3, await DevicesWithAsync(CommandType.RemoveApp));
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        Assert.Equal((ViolationIds.MasqueBundleHijack, 2, 2), (batch.RuleIds, batch.DeviceCount, batch.CommandCount));
    }

    [Fact]
    public async Task The_api_lists_held_batches_to_readers_and_lets_only_EMM_administrators_release_or_cancel()
    {
        app.With("Fleet:Brake:MaxDevices", "1");
        await app.PublishAsync("com.example.bank", "Example Bank");
        await AddCarriersAsync(3);
        await RevokeCorpSignerAsync();
        var batch = await app.WithDbAsync(db => db.HeldBatches.SingleAsync());
        using var auditor = app.CreateBearerClient(await app.IssueTokenAsync(await app.CreateUserAsync("auditor@fleet.test", Roles.Auditor)));
        using var admin = app.CreateBearerClient(await app.IssueTokenAsync(await app.CreateUserAsync("admin@fleet.test", Roles.EmmAdmin)));

        using var list = await auditor.GetAsync("api/v1/held-batches");
        Assert.Equal(System.Net.HttpStatusCode.OK, list.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var listed = Assert.Single(body.RootElement.EnumerateArray().ToList());
        Assert.Equal((batch.Id, 2), (listed.GetProperty("id").GetGuid(), listed.GetProperty("deviceCount").GetInt32()));

        using var forbidden = await auditor.PostAsync($"api/v1/held-batches/{batch.Id}/cancel", System.Net.Http.Json.JsonContent.Create(new { comment = "no" }));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var cancelled = await admin.PostAsync($"api/v1/held-batches/{batch.Id}/cancel", System.Net.Http.Json.JsonContent.Create(new { comment = "False positive" }));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, cancelled.StatusCode);
        using var again = await admin.PostAsync($"api/v1/held-batches/{batch.Id}/release", System.Net.Http.Json.JsonContent.Create(new { }));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1, await DevicesWithAsync(CommandType.RemoveApp));
    }
}
