using System.Security.Cryptography;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// Fleet rows written straight into the test database, for pages that show them: the device contract that
/// normally writes them is tested on its own.
/// </summary>
public static class FleetRows
{
    public static async Task<Device> AddDeviceAsync(this MasqueAppFactory app, string owner, ComplianceState compliance = ComplianceState.Compliant,
        string os = "8.1", bool supervised = true, NetworkState network = NetworkState.Allowed, string model = "iPhone 6", DateTime? lastCheckInUtc = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var now = app.Time.GetUtcNow().UtcDateTime;
        var device = new Device
        {
            Udid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)),
            SerialNumber = "F" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)),
            Model = model,
            Owner = owner,
            OsVersion = os,
            OsVersionKey = OsVersions.Key(os),
            Supervised = supervised,
            ContainerEnabled = true,
            EnrolledAtUtc = now.AddDays(-30),
            LastCheckInAtUtc = lastCheckInUtc ?? now.AddHours(-1),
            TokenHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Network = network,
            Compliance = compliance,
            ComplianceChangedAtUtc = now,
        };
        await app.WithDbAsync(async db =>
        {
            db.Devices.Add(device);
            return await db.SaveChangesAsync();
        });
        return device;
    }

    /// <summary>Installs a build on a device (one build row per distinct bundle id, version and team).</summary>
    public static async Task AddAppAsync(this MasqueAppFactory app, long deviceId, string bundleId, string name, string? teamId,
        string version = "1.0", string distribution = "AppStore", bool? managed = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        var key = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{bundleId}|{version}|{teamId}|{distribution}")));
        await app.WithDbAsync(async db =>
        {
            var build = db.AppBuilds.SingleOrDefault(b => b.Key == key);
            if (build is null)
            {
                build = new AppBuild
                {
                    Key = key, BundleId = bundleId, Name = name, Version = version, TeamId = teamId, Distribution = distribution, Managed = managed,
                    SignerSha1 = teamId is null ? null : Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(teamId))),
                    FirstSeenUtc = app.Time.GetUtcNow().UtcDateTime,
                };
                db.AppBuilds.Add(build);
                await db.SaveChangesAsync();
            }

            db.DeviceApps.Add(new DeviceApp { DeviceId = deviceId, AppBuildId = build.Id });
            var device = db.Devices.Single(d => d.Id == deviceId);
            device.AppCount++;
            return await db.SaveChangesAsync();
        });
    }

    public static Task AddViolationAsync(this MasqueAppFactory app, long deviceId, string ruleId, string detail, string subject = "", int stepsApplied = 1, DateTime? sinceUtc = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db =>
        {
            db.DeviceViolations.Add(new DeviceViolation
            {
                DeviceId = deviceId, RuleId = ruleId, PolicyId = PolicyIds.All.First(p => PolicyIds.RulesOf(p).Contains(ruleId)), Subject = subject, Detail = detail,
                SinceUtc = sinceUtc ?? app.Time.GetUtcNow().UtcDateTime.AddHours(-2), StepsApplied = stepsApplied,
            });
            return await db.SaveChangesAsync();
        });
    }

    public static Task AddCommandAsync(this MasqueAppFactory app, long deviceId, CommandType type, CommandStatus status, string reason, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var now = app.Time.GetUtcNow().UtcDateTime;
        return app.WithDbAsync(async db =>
        {
            db.DeviceCommands.Add(new DeviceCommand
            {
                Id = Guid.NewGuid(), DeviceId = deviceId, Type = type, Status = status, Reason = reason, RequestedBy = ComplianceEngine.Automation,
                QueuedAtUtc = now.AddMinutes(-30), SentAtUtc = status == CommandStatus.Queued ? null : now.AddMinutes(-20),
                CompletedAtUtc = status is CommandStatus.Acknowledged or CommandStatus.Error ? now.AddMinutes(-10) : null, Detail = detail,
            });
            return await db.SaveChangesAsync();
        });
    }

    public static async Task<Guid> AddWipeRequestAsync(this MasqueAppFactory app, long deviceId, string requestedById, string requestedBy, string reason)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.FullWipeRequests.Add(new FullWipeRequest
            {
                Id = id, DeviceId = deviceId, RequestedById = requestedById, RequestedBy = requestedBy, Reason = reason,
                RequestedAtUtc = app.Time.GetUtcNow().UtcDateTime.AddMinutes(-5), Status = FullWipeStatus.Pending,
            });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>A published catalog app: the genuine twin the device-side rules compare installed builds against.</summary>
    public static async Task PublishCatalogAppAsync(this MasqueAppFactory app, string bundleId, string name, string teamId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.WithDbAsync(async db =>
        {
            db.CatalogApps.Add(new CatalogApp
            {
                Id = Guid.NewGuid(), BundleId = bundleId, Name = name, TeamId = teamId, Status = CatalogAppStatus.Published, CurrentSubmissionId = Guid.NewGuid(),
                CurrentVersion = "1.0", Distribution = "Enterprise", ApprovedByEmail = "reviewer@test", PublishedByEmail = "admin@test",
                PublishedAtUtc = app.Time.GetUtcNow().UtcDateTime,
            });
            return await db.SaveChangesAsync();
        });
        app.App.GetRequiredService<FleetCache>().Invalidate();
    }
}
