using System.Text.Json.Nodes;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

public sealed class SimulatedDeviceTests
{
    private static readonly DateTime Now = new(2014, 11, 13, 9, 0, 0, DateTimeKind.Utc);

    private static readonly SimulatedApp Impostor = new("com.example.bank", "Example Bank", "3.2.0", Scenarios.AttackerTeamId, Scenarios.AttackerSignerSha1,
        SimulatedApp.Enterprise, ["examplebank"], Managed: false, SimulatedProfile.InHouse("iOS In-House Distribution", Scenarios.AttackerTeamId, Now));

    private static readonly SimulatedApp Genuine = new("com.example.bank", "Example Bank", "3.2.0", "ABCDE12345", null, SimulatedApp.Enterprise, ["examplebank"], Managed: true,
        SimulatedProfile.InHouse("Example Bank In-House", "ABCDE12345", Now));

    [Fact]
    public void A_device_runs_each_command_once_and_answers_it_in_its_next_check_in()
    {
        var device = FleetGenerator.Device(1, 0, []);
        device.Install(Impostor);
        var remove = Command(CommandType.RemoveProfile, new JsonObject { ["uuid"] = Impostor.Profile!.Uuid });
        var block = Command(CommandType.BlockNetwork, []);
        var first = device.NextCheckIn(0);
        Assert.Contains(first.ProvisioningProfiles!, p => p!.TeamId == Scenarios.AttackerTeamId);

        device.Apply(first, Answer(remove, block), Now);

        var view = device.Snapshot();
        Assert.DoesNotContain(view.Apps, a => a.BundleId == Impostor.BundleId);
        Assert.Equal(NetworkState.Blocked, view.Network);
        Assert.Equal(new[] { remove.CommandId, block.CommandId }.Order(), view.PendingCommandIds.Order());
        var second = device.NextCheckIn(0);
        Assert.True(second.Sequence > first.Sequence);
        Assert.DoesNotContain(second.ProvisioningProfiles!, p => p!.TeamId == Scenarios.AttackerTeamId);
        Assert.All(second.CommandResults!, r => Assert.Equal("Acknowledged", r!.Status));
        Assert.Equal(2, second.CommandResults!.Count);

        // The same command delivered again (the answer was lost) is answered again, not run again.
        device.Install(Genuine);
        device.Apply(second, Answer(remove), Now);

        Assert.Contains(device.Snapshot().Apps, a => a == Genuine);
        var third = device.NextCheckIn(0);
        var again = Assert.Single(third.CommandResults!);
        Assert.Equal(remove.CommandId, again!.CommandId);
        Assert.Equal("Acknowledged", again.Status);

        device.Apply(third, Answer(), Now);
        Assert.Empty(device.NextCheckIn(0).CommandResults!);
        Assert.Empty(device.Snapshot().PendingCommandIds);
    }

    [Fact]
    public void Removing_an_app_that_is_not_installed_is_an_error_with_the_reason()
    {
        var device = FleetGenerator.Device(1, 1, []);
        var remove = Command(CommandType.RemoveApp, new JsonObject { ["bundleId"] = "com.example.nothere" });

        device.Apply(device.NextCheckIn(0), Answer(remove), Now);

        var result = Assert.Single(device.NextCheckIn(0).CommandResults!);
        Assert.Equal("Error", result!.Status);
        Assert.Contains("com.example.nothere", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Like_iOS_a_device_refuses_to_remove_an_unmanaged_app_and_loses_it_with_its_profile()
    {
        var device = FleetGenerator.Device(1, 5, [Genuine]);
        device.Install(Impostor);
        var removeApp = Command(CommandType.RemoveApp, new JsonObject { ["bundleId"] = Impostor.BundleId });

        device.Apply(device.NextCheckIn(0), Answer(removeApp), Now);

        Assert.Contains(device.Snapshot().Apps, a => a == Impostor);
        var refused = Assert.Single(device.NextCheckIn(0).CommandResults!);
        Assert.Equal(("Error", true), (refused!.Status, refused.Detail!.Contains("not managed", StringComparison.Ordinal)));

        var removeProfile = Command(CommandType.RemoveProfile, new JsonObject { ["uuid"] = Impostor.Profile!.Uuid });
        device.Apply(device.NextCheckIn(0), Answer(removeProfile), Now);

        var next = device.NextCheckIn(0);
        Assert.DoesNotContain(next.InstalledApps!, a => a!.BundleId == Impostor.BundleId);
        Assert.DoesNotContain(next.ProvisioningProfiles!, p => p!.Uuid == Impostor.Profile.Uuid);
        Assert.Equal("Acknowledged", next.CommandResults!.Single(r => r!.CommandId == removeProfile.CommandId)!.Status);
    }

    [Fact]
    public void An_MDM_only_device_reports_no_team_or_signer_for_apps_and_no_team_for_profiles()
    {
        var fleet = FleetGenerator.Generate(2014, 200, [Genuine with { SignerSha1 = "1111111111111111111111111111111111111111" }], mdmOnlyPercent: 30);
        var mdmOnly = fleet.Count(d => d.MdmOnly);
        Assert.InRange(mdmOnly, 40, 80);
        Assert.Equal(0, FleetGenerator.Generate(2014, 200, [Genuine], mdmOnlyPercent: 0).Count(d => d.MdmOnly));

        var device = fleet.First(d => d.MdmOnly);
        device.Install(Impostor);
        var body = device.NextCheckIn(0);
        Assert.All(body.InstalledApps!, a => Assert.Equal((null, null), (a!.TeamId, a.SignerSha1)));
        Assert.All(body.ProvisioningProfiles!, p => Assert.Null(p!.TeamId));
        Assert.Contains(body.InstalledApps!, a => a!.BundleId == Impostor.BundleId && a.Managed == false && a.ProfileUuid == Impostor.Profile!.Uuid);
        Assert.Contains(fleet.First(d => !d.MdmOnly).NextCheckIn(0).InstalledApps!, a => a!.TeamId is not null);
    }

    [Fact]
    public void A_selective_wipe_removes_managed_and_in_house_apps_and_keeps_personal_ones()
    {
        var device = FleetGenerator.Device(1, 2, [Genuine]);
        device.Install(Impostor with { BundleId = Scenarios.HijackerBundleId });
        var personal = device.Snapshot().Apps.Count(a => a.Distribution == SimulatedApp.AppStore);

        device.Apply(device.NextCheckIn(0), Answer(Command(CommandType.SelectiveWipe, [])), Now);

        var apps = device.Snapshot().Apps;
        Assert.Equal(personal, apps.Count);
        Assert.All(apps, a => Assert.Equal(SimulatedApp.AppStore, a.Distribution));
    }

    [Fact]
    public void A_full_wipe_erases_the_device_and_lifts_its_block()
    {
        var device = FleetGenerator.Device(1, 3, [Genuine]);
        device.Jailbreak();

        device.Apply(device.NextCheckIn(0), Answer(Command(CommandType.BlockNetwork, []), Command(CommandType.FullWipe, [])), Now);

        var view = device.Snapshot();
        Assert.Empty(view.Apps);
        Assert.False(view.Jailbroken);
        Assert.Equal(NetworkState.Allowed, view.Network);
    }

    [Fact]
    public void The_sequence_grows_past_the_clock_so_a_restarted_simulator_is_not_taken_for_a_replay()
    {
        var device = FleetGenerator.Device(1, 4, []);

        var early = device.NextCheckIn(1_000).Sequence;
        var later = device.NextCheckIn(500).Sequence;
        var restarted = FleetGenerator.Device(1, 4, []).NextCheckIn(5_000).Sequence;

        Assert.Equal(1_000, early);
        Assert.Equal(1_001, later);
        Assert.True(restarted > later);
    }

    private static CommandView Command(CommandType type, JsonObject payload) => new(Guid.NewGuid(), type, payload);

    private static CheckInResponse Answer(params CommandView[] commands) => new(ComplianceState.Quarantined, [], commands, []);
}
