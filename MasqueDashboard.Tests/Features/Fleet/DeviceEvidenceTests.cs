using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet.Evidence;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Features.Fleet;

/// <summary>A device's evidence (issue 8): the proof that a control fired on it, exported with a manifest that verifies.</summary>
public sealed class DeviceEvidenceTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().WithFleet();

    public void Dispose() => app.Dispose();

    private static object Impostor => FleetTestData.App("com.example.bank", FleetTestData.EvilTeam, "Enterprise", FleetTestData.EvilSigner);

    /// <summary>A device that installed an impostor, was quarantined, got its commands and answered them all.</summary>
    private async Task<ContractDevice> QuarantinedAndAnsweredAsync()
    {
        await app.PublishAsync("com.example.bank", "Example Bank");
        var device = await ContractDevice.EnrollAsync(app);
        var hit = await device.CheckInAsync([Impostor]);
        Assert.Equal("Quarantined", hit.Compliance);
        Assert.NotEmpty(hit.Commands);
        await device.CheckInAsync([Impostor], results: [.. hit.Commands.Select(c => ContractDevice.Ack(c.Id))]);
        return device;
    }

    [Fact]
    public async Task An_auditor_exports_a_devices_evidence_and_its_manifest_verifies()
    {
        var device = await QuarantinedAndAnsweredAsync();
        var auditor = await app.CreateUserAsync("evidence-auditor@test", Roles.Auditor);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(auditor));

        var response = await client.GetAsync($"/api/v1/devices/{device.DeviceId}/evidence?format=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        // Every command, from queued to answered, tied to the audit event that queued it.
        using var evidence = JsonDocument.Parse(bytes);
        var root = evidence.RootElement;
        Assert.Equal(device.DeviceId, root.GetProperty("deviceId").GetInt64());
        var commands = root.GetProperty("commands").EnumerateArray().ToList();
        var queued = await app.WithDbAsync(db => db.DeviceCommands.CountAsync(c => c.DeviceId == device.DeviceId));
        Assert.Equal(queued, commands.Count);
        Assert.Contains(commands, c => c.GetProperty("type").GetString() == "BlockNetwork");
        var events = root.GetProperty("events").EnumerateArray().ToDictionary(e => e.GetProperty("sequence").GetInt64());
        Assert.All(commands, c =>
        {
            Assert.Equal("Acknowledged", c.GetProperty("status").GetString());
            Assert.NotEqual(JsonValueKind.Null, c.GetProperty("sentAtUtc").ValueKind);
            Assert.NotEqual(JsonValueKind.Null, c.GetProperty("completedAtUtc").ValueKind);
            var cause = events[c.GetProperty("queuedBySequence").GetInt64()];
            Assert.Equal(FleetActions.CommandQueued, cause.GetProperty("action").GetString());
            Assert.Contains(c.GetProperty("id").GetString()!, cause.GetProperty("details").GetString(), StringComparison.Ordinal);
        });
        Assert.Contains(events.Values, e => e.GetProperty("action").GetString() == FleetActions.Quarantined);
        Assert.Contains(root.GetProperty("violations").EnumerateArray(), v => v.GetProperty("ruleId").GetString() == ViolationIds.MasqueBundleHijack);

        // The events are the chain's own: their hashes match the trail.
        var stored = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == FleetActions.Target(device.DeviceId)).ToDictionaryAsync(e => e.Sequence, e => e.Hash));
        Assert.Equal(stored.Count, events.Count);
        Assert.All(events, e => Assert.Equal(stored[e.Key], e.Value.GetProperty("hash").GetString()));

        // The manifest served beside it proves the file.
        var id = Assert.Single(response.Headers.GetValues(AuditExportsApi.ExportIdHeader));
        using var manifest = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audit/exports/{id}/manifest"));
        Assert.Equal(sha256, manifest.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, manifest.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal("DeviceEvidence", manifest.RootElement.GetProperty("report").GetString());
        Assert.Equal(commands.Count + events.Count, manifest.RootElement.GetProperty("rowCount").GetInt64());
        var recorded = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.EvidenceExported));
        Assert.Equal("evidence-auditor@test", recorded.Actor);
        Assert.Contains(sha256, recorded.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pdf_evidence_lists_the_commands_and_has_a_manifest_too()
    {
        var device = await QuarantinedAndAnsweredAsync();
        var admin = await app.CreateUserAsync("evidence-admin@test", Roles.EmmAdmin);
        using var client = await app.SignInAsync("evidence-admin@test");

        var response = await client.GetAsync(DeviceEvidenceApi.DownloadUrl(device.DeviceId, EvidenceFormat.Pdf, Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPages().Select(p => p.Text));
        Assert.Contains($"evidence for device {device.DeviceId}", text, StringComparison.Ordinal);
        Assert.Contains("BlockNetwork", text, StringComparison.Ordinal);
        Assert.Contains(FleetActions.Quarantined, text, StringComparison.Ordinal);

        var id = Assert.Single(response.Headers.GetValues(AuditExportsApi.ExportIdHeader));
        using var manifest = JsonDocument.Parse(await client.GetStringAsync($"/audit/exports/{id}/manifest.json"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.RootElement.GetProperty("sha256").GetString());
        Assert.NotNull(admin);
    }

    [Theory]
    [InlineData(Roles.Auditor, HttpStatusCode.OK)]
    [InlineData(Roles.EmmAdmin, HttpStatusCode.OK)]
    [InlineData(Roles.Developer, HttpStatusCode.Forbidden)]
    [InlineData(Roles.SecurityReviewer, HttpStatusCode.Forbidden)]
    public async Task Evidence_answers_by_role_on_the_api_and_the_console(string role, HttpStatusCode expected)
    {
        var device = await ContractDevice.EnrollAsync(app);
        var email = $"{role}-{Guid.NewGuid():N}@evidence.test";
        var user = await app.CreateUserAsync(email, role);
        using var api = app.CreateBearerClient(await app.IssueTokenAsync(user));
        using var console = await app.SignInAsync(email);

        Assert.Equal(expected, (await api.GetAsync($"/api/v1/devices/{device.DeviceId}/evidence")).StatusCode);
        Assert.Equal(expected, (await console.GetAsync(DeviceEvidenceApi.DownloadUrl(device.DeviceId, EvidenceFormat.Json, Guid.NewGuid()))).StatusCode);
    }

    [Fact]
    public async Task An_unknown_device_or_format_is_a_clear_problem_and_records_nothing()
    {
        var auditor = await app.CreateUserAsync("evidence-bad@test", Roles.Auditor);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(auditor));
        var device = await ContractDevice.EnrollAsync(app);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/devices/999999/evidence")).StatusCode);
        var bad = await client.GetAsync($"/api/v1/devices/{device.DeviceId}/evidence?format=docx");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("use json or pdf", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.AuditExports.AnyAsync()));
    }
}
