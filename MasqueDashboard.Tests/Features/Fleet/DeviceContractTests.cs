using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Features.Fleet;

/// <summary>The public device contract of PRODUCT.md §6, through HTTP.</summary>
public sealed class DeviceContractTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet().With("Fleet:MaxCheckInBytes", "65536");

    public void Dispose() => app.Dispose();

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task Enrolment_without_the_secret_is_401(string? secret)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll")
        {
            Content = JsonContent.Create(new { udid = "UDID-0000000000000000000001", serialNumber = "S1", model = "iPhone 5s", osVersion = "8.1", owner = "a@b.c", supervised = true }),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Enrollment-Secret", secret);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.WithDbAsync(db => db.Devices.CountAsync()));
    }

    [Fact]
    public async Task Enrolment_is_off_without_a_configured_secret()
    {
        using var plain = new MasqueAppFactory();
        using var client = plain.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll") { Content = JsonContent.Create(new { udid = "x" }) };
        request.Headers.Add("X-Enrollment-Secret", "");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Fleet:EnrollmentSecret", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrolment_is_audited_and_re_enrolling_a_udid_rotates_its_token()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var device = await ContractDevice.EnrollAsync(app, "UDID-ROTATE-000000000000001");
        var first = device.Token;
        Assert.StartsWith("mdd_", first, StringComparison.Ordinal);
        Assert.Equal("Compliant", (await device.CheckInAsync(FleetTestData.CleanApps)).Compliance);

        await device.EnrollAsync();
        Assert.NotEqual(first, device.Token);
        Assert.Equal(1, await app.WithDbAsync(db => db.Devices.CountAsync()));
        using var stale = await device.PostAsync(new { sequence = 99, osVersion = "8.1", installedApps = Array.Empty<object>() }, first);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsync(new { sequence = 99, osVersion = "8.1" })).StatusCode);

        var actions = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == FleetActions.Target(device.DeviceId)).Select(e => e.Action).ToListAsync());
        Assert.Contains(FleetActions.Enrolled, actions);
        Assert.Contains(FleetActions.Reenrolled, actions);
        Assert.DoesNotContain(await app.WithDbAsync(db => db.Devices.Select(d => d.TokenHash).SingleAsync()), new[] { first, device.Token });
    }

    [Fact]
    public async Task Check_in_needs_a_valid_device_token()
    {
        var device = await ContractDevice.EnrollAsync(app);
        using var none = await app.CreateClient().PostAsJsonAsync("api/v1/devices/checkin", new { sequence = 1, osVersion = "8.1" });
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using var bad = await device.PostAsync(new { sequence = 1, osVersion = "8.1" }, "mdd_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Contains("device token", await DetailAsync(bad), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("{\"osVersion\":\"8.1\"}", "sequence is required")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"eight\"}", "osVersion must look like")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"8.1\",\"installedApps\":[{\"name\":\"x\"}]}", "installedApps[0].bundleId is required")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"8.1\",\"installedApps\":[{\"bundleId\":\"a.b\",\"distribution\":\"Sideload\"}]}", "installedApps[0].distribution")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"8.1\",\"installedApps\":[{\"bundleId\":\"a.b\",\"teamId\":\"x\"}]}", "installedApps[0].teamId")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"8.1\",\"installedApps\":[{\"bundleId\":\"a.b\",\"signerSha1\":\"zz\"}]}", "installedApps[0].signerSha1")]
    [InlineData("{\"sequence\":1,\"osVersion\":\"8.1\",\"commandResults\":[{\"commandId\":\"6a1f0f38-5d0e-4d1a-9a8e-6b0c6c3f1c11\",\"status\":\"Maybe\"}]}", "status must be Acknowledged or Error")]
    [InlineData("{\"sequence\":\"one\",\"osVersion\":\"8.1\"}", "not valid JSON")]
    public async Task Malformed_check_ins_are_400_problems_and_change_nothing(string body, string expected)
    {
        var device = await ContractDevice.EnrollAsync(app);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/checkin") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", device.Token);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await DetailAsync(response), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.DeviceCheckIns.CountAsync()));
        Assert.Null(await app.WithDbAsync(db => db.Devices.Select(d => d.LastCheckInAtUtc).SingleAsync()));
    }

    [Fact]
    public async Task Oversized_check_ins_are_413()
    {
        var device = await ContractDevice.EnrollAsync(app);
        var apps = Enumerable.Range(0, 900).Select(i => FleetTestData.App($"com.example.padding{i:D4}", "V9WTTPBFK9")).ToArray();
        using var response = await device.PostAsync(new { sequence = 1, osVersion = "8.1", installedApps = apps });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than", await DetailAsync(response), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.DeviceApps.CountAsync()));
    }

    [Fact]
    public async Task A_clean_device_is_compliant_and_its_inventory_is_stored_once_per_build()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var one = await ContractDevice.EnrollAsync(app);
        var two = await ContractDevice.EnrollAsync(app);
        var first = await one.CheckInAsync(FleetTestData.CleanApps);
        await two.CheckInAsync(FleetTestData.CleanApps);

        Assert.Equal("Compliant", first.Compliance);
        Assert.Empty(first.Violations);
        Assert.Empty(first.Commands);
        Assert.Equal(3, await app.WithDbAsync(db => db.AppBuilds.CountAsync()));
        Assert.Equal(6, await app.WithDbAsync(db => db.DeviceApps.CountAsync()));

        // The inventory follows the device: an app removed on the device is gone from its row.
        await one.CheckInAsync(FleetTestData.CleanApps[..2]);
        Assert.Equal(2, await app.WithDbAsync(db => db.DeviceApps.CountAsync(a => a.DeviceId == one.DeviceId)));
        Assert.Equal(2, await app.WithDbAsync(db => db.Devices.Where(d => d.Id == one.DeviceId).Select(d => d.AppCount).SingleAsync()));
    }

    [Fact]
    public async Task A_masque_app_quarantines_the_device_and_removing_it_releases_quarantine()
    {
        await app.PublishAsync("com.example.bank", "Example Bank", FleetTestData.CorpTeam, "examplebank");
        var device = await ContractDevice.EnrollAsync(app);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        object[] infected = [.. FleetTestData.CleanApps[..2], impostor];

        var hit = await device.CheckInAsync(infected);
        Assert.Equal("Quarantined", hit.Compliance);
        Assert.Contains(ViolationIds.MasqueBundleHijack, hit.Violations);
        Assert.Contains(ViolationIds.SignerUntrustedEnterprise, hit.Violations);
        Assert.Equal(["Notify", "BlockNetwork", "RemoveApp"], hit.Commands.Select(c => c.Type).ToArray());
        Assert.Equal("com.example.bank", hit.Commands.Single(c => c.Type == "RemoveApp").Payload.GetProperty("bundleId").GetString());
        Assert.Contains("EVIL123456", hit.Commands.Single(c => c.Type == "Notify").Payload.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The device obeys: blocks its network, removes the impostor, and says so.
        var results = hit.Commands.Select(c => ContractDevice.Ack(c.Id)).ToArray();
        var clean = await device.CheckInAsync(FleetTestData.CleanApps[..2], results: results);
        Assert.Equal("Compliant", clean.Compliance);
        Assert.Empty(clean.Violations);
        var unblock = Assert.Single(clean.Commands);
        Assert.Equal("UnblockNetwork", unblock.Type);
        Assert.Equal(NetworkState.Blocked, await app.WithDbAsync(db => db.Devices.Select(d => d.Network).SingleAsync()));

        await device.CheckInAsync(FleetTestData.CleanApps[..2], results: [ContractDevice.Ack(unblock.Id)]);
        Assert.Equal(NetworkState.Allowed, await app.WithDbAsync(db => db.Devices.Select(d => d.Network).SingleAsync()));
        var states = await app.WithDbAsync(db => db.DeviceCommands.OrderBy(c => c.QueuedAtUtc).Select(c => c.Status).ToListAsync());
        Assert.All(states, s => Assert.Equal(CommandStatus.Acknowledged, s));

        var actions = await app.WithDbAsync(db => db.AuditEvents.Select(e => e.Action).ToListAsync());
        Assert.Contains(FleetActions.Quarantined, actions);
        Assert.Contains(FleetActions.Released, actions);
        Assert.Equal(4, actions.Count(a => a == FleetActions.CommandQueued));
    }

    [Fact]
    public async Task A_replayed_or_older_sequence_is_acknowledged_without_being_applied_again()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        var first = await device.CheckInAsync([impostor], sequence: 5);
        Assert.Equal(3, first.Commands.Count);

        // The response was lost: the device sends the same sequence again and gets the same commands, nothing new.
        var replay = await device.CheckInAsync([impostor], sequence: 5);
        Assert.Equal(first.Commands.Select(c => c.Id), replay.Commands.Select(c => c.Id));
        Assert.Equal("Quarantined", replay.Compliance);
        var older = await device.CheckInAsync(FleetTestData.CleanApps, sequence: 3);
        Assert.Equal("Quarantined", older.Compliance);

        Assert.Equal(1, await app.WithDbAsync(db => db.DeviceCheckIns.CountAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.DeviceCommands.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeviceApps.CountAsync()));
        Assert.Equal(5, await app.WithDbAsync(db => db.Devices.Select(d => d.LastSequence).SingleAsync()));
    }

    [Fact]
    public async Task Results_for_commands_a_device_never_received_are_answered_with_errors_not_trusted()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var victim = await ContractDevice.EnrollAsync(app);
        var other = await ContractDevice.EnrollAsync(app);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        var hit = await victim.CheckInAsync([impostor]);
        var block = hit.Commands.Single(c => c.Type == "BlockNetwork").Id;

        // Another device claims the victim's command; and a made-up id.
        var forged = await other.CheckInAsync(FleetTestData.CleanApps, results: [ContractDevice.Ack(block), ContractDevice.Ack(Guid.NewGuid())]);
        Assert.Equal(2, forged.Errors.Count);
        Assert.All(forged.Errors, e => Assert.Contains("No such command was sent to this device", e, StringComparison.Ordinal));
        Assert.Equal(CommandStatus.Sent, await app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Id == block).Select(c => c.Status).SingleAsync()));

        // The real device answers once; answering again is an error too.
        await victim.CheckInAsync([impostor], results: [ContractDevice.Ack(block)]);
        var twice = await victim.CheckInAsync([impostor], results: [ContractDevice.Ack(block, "Error", "again")]);
        Assert.Contains("already answered", Assert.Single(twice.Errors), StringComparison.Ordinal);
        Assert.Equal(CommandStatus.Acknowledged, await app.WithDbAsync(db => db.DeviceCommands.Where(c => c.Id == block).Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task An_error_result_is_kept_with_its_detail()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        var impostor = FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);
        var hit = await device.CheckInAsync([impostor]);
        var remove = hit.Commands.Single(c => c.Type == "RemoveApp").Id;
        await device.CheckInAsync([impostor], results: [ContractDevice.Ack(remove, "Error", "The app is not managed")]);
        var command = await app.WithDbAsync(db => db.DeviceCommands.SingleAsync(c => c.Id == remove));
        Assert.Equal(CommandStatus.Error, command.Status);
        Assert.Equal("The app is not managed", command.Detail);
    }

    [Fact]
    public async Task Device_rules_raise_their_violation_ids()
    {
        var device = await ContractDevice.EnrollAsync(app);
        var old = await device.CheckInAsync(FleetTestData.CleanApps[..2], os: "7.0.4", supervised: false, jailbroken: true);
        Assert.Contains(ViolationIds.OsVersionBelowMinimum, old.Violations);
        Assert.Contains(ViolationIds.DeviceNotSupervised, old.Violations);
        Assert.Contains(ViolationIds.DeviceJailbroken, old.Violations);
        Assert.DoesNotContain(ViolationIds.ContainerDisabled, old.Violations);
        Assert.Equal("Quarantined", old.Compliance); // the jailbreak ladder blocks the network at once
        Assert.DoesNotContain(old.Commands, c => c.Type == "RemoveApp");

        var fixedUp = await device.CheckInAsync(FleetTestData.CleanApps[..2], os: "8.1.2", supervised: true, jailbroken: false, results: old.Commands.Select(c => ContractDevice.Ack(c.Id)).ToArray());
        Assert.Equal("Compliant", fixedUp.Compliance);
        Assert.Equal("UnblockNetwork", Assert.Single(fixedUp.Commands).Type);
    }
}
