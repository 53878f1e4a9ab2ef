using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Signers;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Support;

/// <summary>Catalog and signer facts for fleet tests, written straight to the database, and a device speaking the contract over HTTP.</summary>
public static class FleetTestData
{
    public const string Secret = "test-enrollment-secret";
    public const string CorpTeam = "ABCDE12345";
    public const string EvilTeam = "EVIL123456";
    public const string CorpSigner = "1111111111111111111111111111111111111111";
    public const string EvilSigner = "2222222222222222222222222222222222222222";

    public static MasqueAppFactory WithFleet(this MasqueAppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.With("Fleet:EnrollmentSecret", Secret);
    }

    /// <summary>A published catalog app owned by <paramref name="teamId"/>, and the team trusted.</summary>
    public static async Task PublishAsync(this MasqueAppFactory app, string bundleId, string name, string teamId = CorpTeam, params string[] urlSchemes)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.WithDbAsync(async db =>
        {
            db.CatalogApps.Add(new CatalogApp
            {
                Id = Guid.NewGuid(), BundleId = bundleId, Name = name, TeamId = teamId, Status = CatalogAppStatus.Published, CurrentSubmissionId = Guid.NewGuid(),
                CurrentVersion = "1.0", Distribution = "Enterprise", UrlSchemes = string.Join(' ', urlSchemes), ApprovedByEmail = "reviewer@test", PublishedByEmail = "admin@test",
                PublishedAtUtc = app.Time.GetUtcNow().UtcDateTime,
            });
            if (!db.TrustedSigners.Any(t => t.TeamId == teamId))
            {
                db.TrustedSigners.Add(new TrustedSigner { TeamId = teamId, Name = "Example Corp", AddedBy = "test", AddedAtUtc = app.Time.GetUtcNow().UtcDateTime });
            }

            return await db.SaveChangesAsync();
        });
        app.App.GetRequiredService<FleetCache>().Invalidate();
    }

    public static object App(string bundleId, string? teamId, string distribution = "AppStore", string? signer = null, string version = "1.0", string[]? schemes = null, bool? managed = null, string? profileUuid = null) =>
        new { bundleId, name = bundleId.Split('.')[^1], version, teamId, signerSha1 = signer, distribution, urlSchemes = schemes ?? [], extensions = Array.Empty<string>(), managed, profileUuid };

    /// <summary>A provisioning profile as a check-in reports it; MDM alone gives no team (<paramref name="teamId"/> null).</summary>
    public static object Profile(string uuid, string? teamId, string name = "iOS In-House Distribution") =>
        new { uuid, name, teamId, expiresAt = (DateTime?)null, provisionsAllDevices = (bool?)(teamId is null ? null : true) };

    public static object[] CleanApps { get; } =
    [
        App("com.facebook.Facebook", "V9WTTPBFK9", signer: "3333333333333333333333333333333333333333"),
        App("net.whatsapp.WhatsApp", "57T9237FN3", signer: "4444444444444444444444444444444444444444"),
        App("com.example.bank", CorpTeam, "Enterprise", CorpSigner, schemes: ["examplebank"], managed: true),
    ];
}

/// <summary>One device talking to the server through the public contract.</summary>
public sealed class ContractDevice(HttpClient http, string udid)
{
    public string Udid { get; } = udid;

    public long DeviceId { get; private set; }

    public string Token { get; private set; } = "";

    public long Sequence { get; set; }

    public static async Task<ContractDevice> EnrollAsync(MasqueAppFactory app, string? udid = null, string os = "8.1", bool supervised = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        var device = new ContractDevice(app.CreateClient(), udid ?? $"UDID-{Guid.NewGuid():N}");
        await device.EnrollAsync(os, supervised);
        return device;
    }

    /// <summary>The same device (token, sequence) talking to another instance: behind a load balancer, or after a move.</summary>
    public ContractDevice On(MasqueAppFactory other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ContractDevice(other.CreateClient(), Udid) { DeviceId = DeviceId, Token = Token, Sequence = Sequence };
    }

    public async Task EnrollAsync(string os = "8.1", bool supervised = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll")
        {
            Content = JsonContent.Create(new { udid = Udid, serialNumber = "F2LN1234", model = "iPhone 6", osVersion = os, owner = "pat.doe@corp.example", supervised }),
        };
        request.Headers.Add("X-Enrollment-Secret", FleetTestData.Secret);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        DeviceId = body.RootElement.GetProperty("deviceId").GetInt64();
        Token = body.RootElement.GetProperty("deviceToken").GetString()!;
    }

    public Task<HttpResponseMessage> PostAsync(object body, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/checkin") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? Token);
        return http.SendAsync(request);
    }

    /// <summary>Checks in with the next sequence; asserts 200 and returns the response.</summary>
    public async Task<CheckInResult> CheckInAsync(object[] apps, string os = "8.1", bool supervised = true, bool jailbroken = false, object[]? results = null, long? sequence = null,
        object[]? profiles = null)
    {
        var body = new
        {
            sequence = sequence ?? ++Sequence, osVersion = os, supervised, jailbroken, containerEnabled = true, installedApps = apps,
            provisioningProfiles = profiles ?? [], commandResults = results ?? [],
        };
        using var response = await PostAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return new CheckInResult(JsonDocument.Parse(text).RootElement.Clone());
    }

    public static object Ack(Guid id, string status = "Acknowledged", string? detail = null) => new { commandId = id, status, detail };
}

public sealed record CheckInResult(JsonElement Body)
{
    public string Compliance => Body.GetProperty("compliance").GetString()!;

    public IReadOnlyList<string> Violations => Body.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("ruleId").GetString()!).ToList();

    public IReadOnlyList<(Guid Id, string Type, JsonElement Payload)> Commands =>
        Body.GetProperty("commands").EnumerateArray().Select(c => (c.GetProperty("commandId").GetGuid(), c.GetProperty("type").GetString()!, c.GetProperty("payload").Clone())).ToList();

    public IReadOnlyList<string> Errors => Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("detail").GetString()!).ToList();
}
