using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>Escalation ladders on a fake clock, the revocation cascade, policy versions and the two-person full wipe (PRODUCT.md §7).</summary>
public sealed class ComplianceTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet();

    public void Dispose() => app.Dispose();

    private static object Impostor => FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);

    private async Task<System.Security.Claims.ClaimsPrincipal> UserAsync(string role) =>
        await app.ForAsync(await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@fleet.test", role));

    [Fact]
    public async Task A_violation_still_failing_after_24_hours_escalates_to_a_selective_wipe_once()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        var hit = await device.CheckInAsync([Impostor]);
        Assert.DoesNotContain(hit.Commands, c => c.Type == "SelectiveWipe");

        var sweeper = app.App.GetRequiredService<EscalationWorker>();
        app.Time.Advance(TimeSpan.FromHours(23));
        await sweeper.SweepAsync();
        Assert.False(await app.WithDbAsync(db => db.DeviceCommands.AnyAsync(c => c.Type == CommandType.SelectiveWipe)));

        app.Time.Advance(TimeSpan.FromHours(1));
        await sweeper.SweepAsync();
        await sweeper.SweepAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.Type == CommandType.SelectiveWipe)));

        // The device gets it at its next check-in; the ladder has no further step to take.
        var next = await device.CheckInAsync([Impostor]);
        Assert.Contains(next.Commands, c => c.Type == "SelectiveWipe");
        Assert.Equal(2, await app.WithDbAsync(db => db.DeviceViolations.Where(v => v.RuleId == ViolationIds.MasqueBundleHijack).Select(v => v.StepsApplied).SingleAsync()));
    }

    [Fact]
    public async Task The_fleet_history_counts_masque_detections_and_the_states_at_each_sweep()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var infected = await ContractDevice.EnrollAsync(app);
        await infected.CheckInAsync([Impostor]);
        var clean = await ContractDevice.EnrollAsync(app);
        await clean.CheckInAsync(FleetTestData.CleanApps);
        await app.App.GetRequiredService<EscalationWorker>().SweepAsync();

        var admin = await UserAsync(Roles.Auditor);
        var history = await app.App.CreateScope().ServiceProvider.GetRequiredService<FleetService>().HistoryAsync(admin, 14);
        Assert.Equal(14, history.Count);
        var today = history[^1];
        Assert.Equal(DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime), today.Day);
        Assert.Equal((1, 0, 1), (today.Compliant, today.NonCompliant, today.Quarantined));
        Assert.Equal(1, today.MasqueDetections); // MASQUE-BUNDLE-HIJACK; the untrusted-enterprise finding is not a Masque one
        Assert.All(history.Take(history.Count - 1), d => Assert.Equal(0, d.Compliant + d.NonCompliant + d.Quarantined + d.MasqueDetections));
    }

    [Fact]
    public async Task A_device_that_stops_checking_in_becomes_overdue_and_clears_when_it_returns()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        await device.CheckInAsync(FleetTestData.CleanApps);
        var sweeper = app.App.GetRequiredService<EscalationWorker>();

        app.Time.Advance(TimeSpan.FromDays(8));
        await sweeper.SweepAsync();
        var state = await app.WithDbAsync(db => db.Devices.Select(d => d.Compliance).SingleAsync());
        Assert.Equal(ComplianceState.NonCompliant, state);
        Assert.True(await app.WithDbAsync(db => db.DeviceViolations.AnyAsync(v => v.RuleId == ViolationIds.CheckInOverdue)));

        var back = await device.CheckInAsync(FleetTestData.CleanApps);
        Assert.Equal("Compliant", back.Compliance);
        Assert.Empty(back.Violations);
    }

    [Fact]
    public async Task Revoking_a_certificate_queues_RemoveApp_on_every_device_carrying_what_it_signed_in_the_same_transaction()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var carriers = new List<ContractDevice>();
        for (var i = 0; i < 3; i++)
        {
            var d = await ContractDevice.EnrollAsync(app);
            await d.CheckInAsync(FleetTestData.CleanApps);
            carriers.Add(d);
        }

        var bystander = await ContractDevice.EnrollAsync(app);
        await bystander.CheckInAsync(FleetTestData.CleanApps[..2]);

        var admin = await UserAsync(Roles.EmmAdmin);
        await app.WithScopeAsync(sp => sp.GetRequiredService<SignerService>().RevokeAsync(admin, FleetTestData.CorpSigner, "Key leaked in a phishing kit", "127.0.0.1"));

        var removals = await app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Type == CommandType.RemoveApp).Select(c => new { c.DeviceId, c.Payload }).ToListAsync());
        Assert.Equal(carriers.Select(c => c.DeviceId).Order(), removals.Select(r => r.DeviceId).Order());
        Assert.All(removals, r => Assert.Contains("com.example.bank", r.Payload, StringComparison.Ordinal));
        Assert.Equal(3, await app.WithDbAsync(db => db.DeviceViolations.CountAsync(v => v.RuleId == ViolationIds.SignerRevoked)));
        Assert.Equal(ComplianceState.Compliant, await app.WithDbAsync(db => db.Devices.Where(d => d.Id == bystander.DeviceId).Select(d => d.Compliance).SingleAsync()));

        // One audit chain: the revocation, then the fleet's re-evaluation and its commands, all intact.
        var actions = await app.WithDbAsync(db => db.AuditEvents.OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());
        Assert.True(actions.IndexOf(SignerService.Revoked) < actions.IndexOf(FleetActions.Reevaluated));
        Assert.True((await app.App.GetRequiredService<MasqueDashboard.Features.Audit.IAuditLog>().VerifyAsync()).IsIntact);

        var next = await carriers[0].CheckInAsync(FleetTestData.CleanApps);
        Assert.Contains(ViolationIds.SignerRevoked, next.Violations);
        Assert.Contains(next.Commands, c => c.Type == "RemoveApp");
    }

    [Fact]
    public async Task Trusting_a_team_re_evaluates_only_the_devices_carrying_its_builds()
    {
        var outsider = await ContractDevice.EnrollAsync(app);
        var partnerApp = FleetTestData.App("com.partner.field", "PARTNER123", "Enterprise", "5555555555555555555555555555555555555555");
        var hit = await outsider.CheckInAsync([partnerApp]);
        Assert.Contains(ViolationIds.SignerUntrustedEnterprise, hit.Violations);
        var clean = await ContractDevice.EnrollAsync(app);
        await clean.CheckInAsync(FleetTestData.CleanApps[..2]);

        var affected = await app.WithDbAsync(db => FleetReevaluation.AffectedDevicesAsync(db, CatalogChange.ForTeam("PARTNER123"), default));
        Assert.Equal([outsider.DeviceId], affected);

        var admin = await UserAsync(Roles.EmmAdmin);
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<SignerService>().TrustAsync(admin, "PARTNER123", "Field partner", null, null);
            return 0;
        });
        Assert.False(await app.WithDbAsync(db => db.DeviceViolations.AnyAsync()));
        Assert.Equal(ComplianceState.Compliant, await app.WithDbAsync(db => db.Devices.Where(d => d.Id == outsider.DeviceId).Select(d => d.Compliance).SingleAsync()));
    }

    [Fact]
    public async Task Publishing_a_catalog_app_catches_impostors_already_on_devices_without_a_check_in()
    {
        var device = await ContractDevice.EnrollAsync(app);
        // An App Store-looking build of a bundle id the catalog does not know yet: nothing to compare against.
        var lookalike = FleetTestData.App("com.example.payroll", FleetTestData.EvilTeam, "AppStore", FleetTestData.EvilSigner);
        Assert.Equal("Compliant", (await device.CheckInAsync([lookalike])).Compliance);

        await app.PublishAsync("com.example.payroll", "Payroll");
        var result = await app.App.GetRequiredService<FleetReevaluation>().ReevaluateAsync(CatalogChange.ForApp("com.example.payroll", []));
        Assert.Equal(1, result.Evaluated);
        Assert.Equal(ComplianceState.Quarantined, await app.WithDbAsync(db => db.Devices.Select(d => d.Compliance).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.DeviceViolations.AnyAsync(v => v.RuleId == ViolationIds.MasqueBundleHijack && v.Subject == "com.example.payroll")));
    }

    [Fact]
    public async Task Quarantine_lifts_when_no_remaining_violation_called_for_it()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        // Unsupervised (a notice only) and carrying an impostor (contained at once).
        var hit = await device.CheckInAsync([Impostor], supervised: false);
        Assert.Equal("Quarantined", hit.Compliance);

        var cleaned = await device.CheckInAsync(FleetTestData.CleanApps, supervised: false, results: hit.Commands.Select(c => ContractDevice.Ack(c.Id)).ToArray());
        Assert.Equal("NonCompliant", cleaned.Compliance);
        Assert.Equal([ViolationIds.DeviceNotSupervised], cleaned.Violations);
        Assert.Equal("UnblockNetwork", Assert.Single(cleaned.Commands).Type);
    }

    [Fact]
    public async Task An_untrusted_enterprise_profile_is_removed_by_its_uuid()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        var body = new
        {
            sequence = 1, osVersion = "8.1", supervised = true, containerEnabled = true, installedApps = FleetTestData.CleanApps,
            provisioningProfiles = new[] { new { uuid = "6F1D2C3B-0000-4000-8000-000000000001", name = "Evil Distribution", teamId = FleetTestData.EvilTeam, provisionsAllDevices = true } },
        };
        using var response = await device.PostAsync(body);
        var hit = new CheckInResult(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        Assert.Contains(ViolationIds.UntrustedProvisioningProfile, hit.Violations);
        var remove = hit.Commands.Single(c => c.Type == "RemoveProfile");
        Assert.Equal("6F1D2C3B-0000-4000-8000-000000000001", remove.Payload.GetProperty("uuid").GetString());
        Assert.DoesNotContain(hit.Commands, c => c.Type == "RemoveApp");

        device.Sequence = 1;
        var clean = await device.CheckInAsync(FleetTestData.CleanApps, results: hit.Commands.Select(c => ContractDevice.Ack(c.Id)).ToArray());
        Assert.Equal("Compliant", clean.Compliance);
    }

    [Fact]
    public async Task A_url_scheme_claimed_by_another_team_is_a_scheme_hijack()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var device = await ContractDevice.EnrollAsync(app);
        var hijacker = FleetTestData.App("com.evil.flashlight", FleetTestData.EvilTeam, "AppStore", FleetTestData.EvilSigner, schemes: ["ExampleBank"]);
        var hit = await device.CheckInAsync([.. FleetTestData.CleanApps, hijacker]);
        Assert.Contains(ViolationIds.MasqueUrlSchemeHijack, hit.Violations);
        Assert.Equal("com.evil.flashlight", hit.Commands.Single(c => c.Type == "RemoveApp").Payload.GetProperty("bundleId").GetString());
    }

    [Fact]
    public async Task Policies_are_versioned_audited_and_a_change_re_evaluates_only_what_it_can_affect()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var old = await ContractDevice.EnrollAsync(app);
        await old.CheckInAsync(FleetTestData.CleanApps, os: "7.1.2");
        var current = await ContractDevice.EnrollAsync(app);
        await current.CheckInAsync(FleetTestData.CleanApps, os: "8.1");

        var admin = await UserAsync(Roles.EmmAdmin);
        var policies = app.App.CreateScope().ServiceProvider.GetRequiredService<PolicyService>();
        var set = await policies.GetAsync(admin);
        Assert.Equal(0, set.Version);
        var raised = new PolicyDocument(set.Document.Policies.Select(p => p.Id == PolicyIds.MinimumOs ? p with { Setting = "8.0" } : p).ToList());

        var update = await policies.UpdateAsync(admin, raised, 0, "Raise the floor to iOS 8 after CVE-2014-4493", "127.0.0.1");
        Assert.Equal(1, update.Version);
        Assert.Equal(1, update.Reevaluation.Evaluated); // only the device below the new floor
        Assert.Equal(ComplianceState.NonCompliant, await app.WithDbAsync(db => db.Devices.Where(d => d.Id == old.DeviceId).Select(d => d.Compliance).SingleAsync()));
        Assert.Equal(ComplianceState.Compliant, await app.WithDbAsync(db => db.Devices.Where(d => d.Id == current.DeviceId).Select(d => d.Compliance).SingleAsync()));

        var stale = await Assert.ThrowsAsync<DomainException>(() => policies.UpdateAsync(admin, raised, 0, "Another edit of version 0", null));
        Assert.Equal(RefusalKind.Conflict, stale.Kind);
        var wipeLadder = new PolicyDocument(raised.Policies.Select(p => p.Id == PolicyIds.NoMasqueApps ? p with { Ladder = [new(TimeSpan.Zero, [CommandType.FullWipe])] } : p).ToList());
        Assert.Equal(RefusalKind.Invalid, (await Assert.ThrowsAsync<DomainException>(() => policies.UpdateAsync(admin, wipeLadder, 1, "Wipe them all", null))).Kind);
        var auditor = await UserAsync(Roles.Auditor);
        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => policies.UpdateAsync(auditor, raised, 1, "Auditors read", null))).Kind);

        var history = await policies.GetAsync(auditor);
        Assert.Equal("8.0", history.Document[PolicyIds.MinimumOs].Setting);
        Assert.Single(history.History);
        var audited = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == FleetActions.PolicyUpdated));
        Assert.Contains("minimum-os", audited.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_wipe_needs_a_second_emm_administrator()
    {
        var device = await ContractDevice.EnrollAsync(app);
        await device.CheckInAsync(FleetTestData.CleanApps[..2]);
        var first = await UserAsync(Roles.EmmAdmin);
        var second = await UserAsync(Roles.EmmAdmin);
        var auditor = await UserAsync(Roles.Auditor);
        var fleet = app.App.CreateScope().ServiceProvider.GetRequiredService<FleetService>();

        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => fleet.QueueAsync(first, [device.DeviceId], CommandType.FullWipe, "Lost phone", null, null))).Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => fleet.RequestFullWipeAsync(auditor, device.DeviceId, "Lost phone on a train", null))).Kind);
        var request = await fleet.RequestFullWipeAsync(first, device.DeviceId, "Lost phone on a train, owner confirmed", null);
        Assert.Equal(RefusalKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => fleet.RequestFullWipeAsync(second, device.DeviceId, "Same phone, asked twice", null))).Kind);

        var own = await Assert.ThrowsAsync<DomainException>(() => fleet.DecideFullWipeAsync(first, request.Id, true, "I asked, I approve", null));
        Assert.Contains("Two-person rule", own.Message, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.DeviceCommands.AnyAsync(c => c.Type == CommandType.FullWipe)));

        await fleet.DecideFullWipeAsync(second, request.Id, true, "Confirmed with the owner by phone", null);
        var wipe = await app.WithDbAsync(db => db.DeviceCommands.SingleAsync(c => c.Type == CommandType.FullWipe));
        Assert.Contains("approved by", wipe.Reason, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => fleet.DecideFullWipeAsync(second, request.Id, false, "Changed my mind", null))).Kind);
        var actions = await app.WithDbAsync(db => db.AuditEvents.Select(e => e.Action).ToListAsync());
        Assert.Contains(FleetActions.WipeRequested, actions);
        Assert.Contains(FleetActions.WipeApproved, actions);

        var next = await device.CheckInAsync(FleetTestData.CleanApps[..2]);
        Assert.Equal("FullWipe", Assert.Single(next.Commands).Type);
    }

    [Fact]
    public async Task Manual_actions_are_audited_and_refused_to_readers()
    {
        var device = await ContractDevice.EnrollAsync(app);
        var admin = await UserAsync(Roles.EmmAdmin);
        var auditor = await UserAsync(Roles.Auditor);
        var fleet = app.App.CreateScope().ServiceProvider.GetRequiredService<FleetService>();
        Assert.Equal(RefusalKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => fleet.QueueAsync(auditor, [device.DeviceId], CommandType.BlockNetwork, "No", null, null))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Assert.ThrowsAsync<DomainException>(() => fleet.QueueAsync(admin, [device.DeviceId], CommandType.BlockNetwork, " ", null, null))).Kind);
        Assert.Equal(RefusalKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => fleet.QueueAsync(admin, [device.DeviceId, 999_999], CommandType.BlockNetwork, "Suspicious traffic", null, null))).Kind);
        Assert.Equal(0, await app.WithDbAsync(db => db.DeviceCommands.CountAsync()));

        Assert.Equal(1, await fleet.QueueAsync(admin, [device.DeviceId], CommandType.BlockNetwork, "Suspicious traffic from this phone", null, "10.9.8.7"));
        var queued = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == FleetActions.CommandQueued));
        Assert.Equal("10.9.8.7", queued.ClientIp);
        Assert.Contains("BlockNetwork", queued.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.EmmAdmin, HttpStatusCode.OK, HttpStatusCode.Accepted)]
    [InlineData(Roles.Auditor, HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData(Roles.Developer, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(Roles.SecurityReviewer, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    public async Task Fleet_endpoints_answer_by_role(string role, HttpStatusCode read, HttpStatusCode act)
    {
        var device = await ContractDevice.EnrollAsync(app);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(await app.CreateUserAsync($"{role}@fleet-api.test", role)));
        Assert.Equal(read, (await client.GetAsync("api/v1/devices?compliance=Compliant")).StatusCode);
        Assert.Equal(read, (await client.GetAsync($"api/v1/devices/{device.DeviceId}")).StatusCode);
        Assert.Equal(read, (await client.GetAsync("api/v1/compliance/policies")).StatusCode);
        Assert.Equal(act, (await client.PostAsJsonAsync($"api/v1/devices/{device.DeviceId}/commands", new { type = "Notify", reason = "Please update to iOS 8.1.3" })).StatusCode);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/devices")).StatusCode);
    }

    [Fact]
    public async Task The_devices_api_filters_and_shows_the_impostor_beside_its_genuine_twin()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var infected = await ContractDevice.EnrollAsync(app);
        await infected.CheckInAsync([.. FleetTestData.CleanApps[..2], Impostor]);
        var clean = await ContractDevice.EnrollAsync(app);
        await clean.CheckInAsync(FleetTestData.CleanApps);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(await app.CreateUserAsync("auditor@fleet-api.test", Roles.Auditor)));

        using var quarantined = JsonDocument.Parse(await client.GetStringAsync($"api/v1/devices?compliance=Quarantined&ruleId={ViolationIds.MasqueBundleHijack}"));
        Assert.Equal(1, quarantined.RootElement.GetProperty("totalCount").GetInt32());
        Assert.Equal(infected.DeviceId, quarantined.RootElement.GetProperty("items")[0].GetProperty("id").GetInt64());
        using var carrying = JsonDocument.Parse(await client.GetStringAsync("api/v1/devices?carrying=com.example.bank"));
        Assert.Equal(2, carrying.RootElement.GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("api/v1/devices?compliance=Sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("api/v1/devices/424242")).StatusCode);

        using var detail = JsonDocument.Parse(await client.GetStringAsync($"api/v1/devices/{infected.DeviceId}"));
        var bank = detail.RootElement.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("bundleId").GetString() == "com.example.bank");
        Assert.Equal(FleetTestData.EvilTeam, bank.GetProperty("teamId").GetString());
        Assert.Equal(FleetTestData.CorpTeam, bank.GetProperty("genuineTeamId").GetString());
        Assert.Contains(bank.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == ViolationIds.MasqueBundleHijack);
        Assert.Equal("Quarantined", detail.RootElement.GetProperty("device").GetProperty("compliance").GetString());
    }
}
