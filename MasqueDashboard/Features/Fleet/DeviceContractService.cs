using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Fleet;

/// <summary>
/// The device side of PRODUCT.md §6: enrolment and check-in. A check-in stores the device's facts and
/// inventory, takes its command results, evaluates it, and answers with its state and the commands to run —
/// one transaction, applied once per <c>sequence</c>.
/// </summary>
public sealed partial class DeviceContractService(
    IDbContextFactory<MasqueDbContext> contexts,
    FleetCache cache,
    ComplianceEngine engine,
    IAuditLog audit,
    FleetNotifier notifier,
    CheckInWriter writer,
    IOptions<FleetOptions> options,
    TimeProvider time)
{
    public const int MaxApps = 2_000;
    public const int MaxProfiles = 200;
    public const int MaxResults = 500;
    private const string TokenPrefix = "mdd_";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True when <paramref name="secret"/> is the configured enrolment secret (compared in constant time).</summary>
    public bool IsEnrollmentSecret(string? secret)
    {
        var expected = options.Value.EnrollmentSecret;
        return !string.IsNullOrEmpty(expected) && secret is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected));
    }

    public bool EnrollmentEnabled => !string.IsNullOrEmpty(options.Value.EnrollmentSecret);

    /// <summary>Enrols a device, or re-enrols it by UDID with a new token (the old one stops working).</summary>
    public async Task<EnrollResponse> EnrollAsync(EnrollRequest? request, string? clientIp, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw DomainException.Invalid("The body must be a JSON object with udid, serialNumber, model, osVersion, owner and supervised.");
        }

        var udid = Required(request.Udid, "udid", 64);
        if (!UdidPattern().IsMatch(udid))
        {
            throw DomainException.Invalid("udid must be 20 to 64 letters, digits or hyphens.");
        }

        var serial = Required(request.SerialNumber, "serialNumber", 32);
        var model = Required(request.Model, "model", 64);
        var owner = Required(request.Owner, "owner", 256);
        var os = Required(request.OsVersion, "osVersion", 16);
        if (!OsVersions.TryKey(os, out var osKey))
        {
            throw DomainException.Invalid("osVersion must look like 7.1 or 8.1.3.");
        }

        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var device = await db.Devices.SingleOrDefaultAsync(d => d.Udid == udid, cancellationToken);
        var actor = new AuditActor($"device:{udid}", null, clientIp);
        if (device is null)
        {
            device = new Device
            {
                Udid = udid, SerialNumber = serial, Model = model, Owner = owner, OsVersion = os, OsVersionKey = osKey,
                Supervised = request.Supervised ?? false, ContainerEnabled = true, EnrolledAtUtc = now, TokenHash = Hash(token),
                ComplianceChangedAtUtc = now,
            };
            db.Devices.Add(device);
            await db.SaveChangesAsync(cancellationToken);
            await audit.AppendAsync(db, actor, FleetActions.Enrolled, FleetActions.Target(device.Id), new { udid, serial, model, owner, osVersion = os }, cancellationToken);
        }
        else
        {
            (device.SerialNumber, device.Model, device.Owner, device.OsVersion, device.OsVersionKey) = (serial, model, owner, os, osKey);
            device.Supervised = request.Supervised ?? device.Supervised;
            device.TokenHash = Hash(token);
            device.EnrolledAtUtc = now;
            device.LastSequence = 0; // a new agent install counts from the start again
            await audit.AppendAsync(db, actor, FleetActions.Reenrolled, FleetActions.Target(device.Id), new { udid, serial, model, owner, osVersion = os }, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
        return new EnrollResponse(device.Id, token);
    }

    /// <summary>Applies a check-in; null when the token belongs to no device (the endpoint answers 401).</summary>
    public async Task<CheckInResponse?> CheckInAsync(string? token, CheckInRequest? request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        var report = Validate(request);
        var tokenHash = Hash(token);
        var response = await writer.RunAsync((db, state) => ApplyCheckInAsync(db, tokenHash, report, state), cancellationToken);
        if (response is not null)
        {
            notifier.Publish();
        }

        return response;
    }

    /// <summary>One check-in inside the writer's transaction (shared with the others of its batch; the writer saves and commits).</summary>
    private async Task<CheckInResponse?> ApplyCheckInAsync(MasqueDbContext db, string tokenHash, ValidReport report, FleetState state)
    {
        var cancellationToken = CancellationToken.None; // once queued, a check-in is applied whole or not at all
        var now = time.GetUtcNow().UtcDateTime;
        var device = await db.Devices.SingleOrDefaultAsync(d => d.TokenHash == tokenHash, cancellationToken);
        if (device is null)
        {
            return null;
        }

        if (report.Sequence <= device.LastSequence)
        {
            // Already applied: answer with the state as it is, re-delivering what was sent and not yet answered.
            return await ReplayAsync(db, device, cancellationToken);
        }

        var wasCompliant = device.Compliance == ComplianceState.Compliant;
        device.LastSequence = report.Sequence;
        device.LastCheckInAtUtc = now;
        device.OsVersion = report.OsVersion;
        device.OsVersionKey = report.OsVersionKey;
        device.Supervised = report.Supervised;
        device.Jailbroken = report.Jailbroken;
        device.ContainerEnabled = report.ContainerEnabled;
        device.ProfilesJson = report.Profiles.Count == 0 ? "[]" : JsonSerializer.Serialize(report.Profiles, Json);

        var builds = await ResolveBuildsAsync(db, report.Apps, now, cancellationToken);
        await StoreInventoryAsync(db, device, builds, cancellationToken);

        var pending = await ComplianceEngine.PendingAsync(db, device.Id, cancellationToken);
        var errors = ApplyResults(device, report.Results, pending, now, out var unknown);
        if (unknown.Count > 0)
        {
            errors.AddRange(await RejectUnknownResultsAsync(db, device, unknown, cancellationToken));
        }

        var failing = DeviceRules.Judge(DeviceFacts.Of(device, report.Profiles), state.Policies, state.Snapshot, now)
            .Concat(builds.SelectMany(state.Judge))
            .ToList();
        db.ChangeTracker.DetectChanges();
        // A compliant device has no violation rows (the state is computed from them): no need to read them.
        var violations = (await engine.ApplyAsync(db, device, failing, state.Policies, wasCompliant ? [] : null, pending, cancellationToken)).Violations;

        var deliver = pending.Where(c => c.Status == CommandStatus.Queued || (c.Status == CommandStatus.Sent && c.SentAtUtc <= now - options.Value.ResendAfter)).ToList();
        foreach (var command in deliver)
        {
            command.Status = CommandStatus.Sent;
            command.SentAtUtc = now;
        }

        db.DeviceCheckIns.Add(new DeviceCheckIn { DeviceId = device.Id, AtUtc = now, Sequence = report.Sequence, AppCount = builds.Count, Compliance = device.Compliance });
        db.ChangeTracker.DetectChanges();
        return new CheckInResponse(device.Compliance, violations.Select(v => new ViolationView(v.RuleId, v.Detail)).ToList(), deliver.Select(View).ToList(), errors);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static CommandView View(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new(command.Id, command.Type, JsonNode.Parse(command.Payload) as JsonObject ?? []);
    }

    /// <summary>The canonical identity of a build: one row per distinct combination of what devices report.</summary>
    public static string BuildKey(ValidApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var canonical = string.Join('\u001f', app.BundleId, app.Name, app.Version, app.TeamId, app.SignerSha1, app.Distribution,
            app.UrlSchemes, app.Extensions, app.Managed?.ToString() ?? "", app.ProfileUuid, app.Sha256);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private async Task<CheckInResponse> ReplayAsync(MasqueDbContext db, Device device, CancellationToken cancellationToken)
    {
        var violations = await db.DeviceViolations.AsNoTracking().Where(v => v.DeviceId == device.Id).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        var sent = await db.DeviceCommands.AsNoTracking().Where(c => c.DeviceId == device.Id && c.Status == CommandStatus.Sent).OrderBy(c => c.Number).ToListAsync(cancellationToken);
        return new CheckInResponse(device.Compliance, violations.Select(v => new ViolationView(v.RuleId, v.Detail)).ToList(), sent.Select(View).ToList(), []);
    }

    private async Task<List<AppBuild>> ResolveBuildsAsync(MasqueDbContext db, IReadOnlyList<ValidApp> apps, DateTime now, CancellationToken cancellationToken)
    {
        var result = new List<AppBuild>(apps.Count);
        var missing = new Dictionary<string, ValidApp>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var key = BuildKey(app);
            if (cache.TryGetBuild(key, out var build))
            {
                result.Add(build);
            }
            else
            {
                missing.TryAdd(key, app);
            }
        }

        if (missing.Count > 0)
        {
            var keys = missing.Keys.ToList();
            var stored = await db.AppBuilds.AsNoTracking().Where(b => keys.Contains(b.Key)).ToListAsync(cancellationToken);
            foreach (var build in stored)
            {
                missing.Remove(build.Key);
                cache.Remember(build);
                result.Add(build);
            }

            if (missing.Count > 0)
            {
                var added = missing.Select(m => new AppBuild
                {
                    Key = m.Key, BundleId = m.Value.BundleId, Name = m.Value.Name, Version = m.Value.Version, TeamId = m.Value.TeamId,
                    SignerSha1 = m.Value.SignerSha1, Distribution = m.Value.Distribution, UrlSchemes = m.Value.UrlSchemes, Extensions = m.Value.Extensions,
                    Managed = m.Value.Managed, ProfileUuid = m.Value.ProfileUuid, Sha256 = m.Value.Sha256, FirstSeenUtc = now,
                }).ToList();
                db.AppBuilds.AddRange(added);
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(cancellationToken);
                foreach (var build in added)
                {
                    cache.Remember(build);
                    result.Add(build);
                }
            }
        }

        return result.DistinctBy(b => b.Id).ToList();
    }

    private static async Task StoreInventoryAsync(MasqueDbContext db, Device device, List<AppBuild> builds, CancellationToken cancellationToken)
    {
        var current = await db.DeviceApps.AsNoTracking().Where(a => a.DeviceId == device.Id).Select(a => a.AppBuildId).ToListAsync(cancellationToken);
        var wanted = builds.Select(b => b.Id).ToHashSet();
        var have = current.ToHashSet();
        foreach (var gone in have.Where(id => !wanted.Contains(id)))
        {
            db.DeviceApps.Remove(new DeviceApp { DeviceId = device.Id, AppBuildId = gone });
        }

        foreach (var added in wanted.Where(id => !have.Contains(id)))
        {
            db.DeviceApps.Add(new DeviceApp { DeviceId = device.Id, AppBuildId = added });
        }

        device.AppCount = wanted.Count;
    }

    private static List<RejectedResult> ApplyResults(Device device, IReadOnlyList<ValidResult> results, List<DeviceCommand> pending, DateTime now, out List<Guid> unknown)
    {
        var errors = new List<RejectedResult>();
        unknown = [];
        foreach (var result in results)
        {
            var command = pending.FirstOrDefault(c => c.Id == result.CommandId);
            if (command is null)
            {
                unknown.Add(result.CommandId); // answered below: never sent to this device, or already answered
                continue;
            }

            if (command.Status != CommandStatus.Sent)
            {
                errors.Add(new(result.CommandId, "This command was not sent yet: a result for it cannot be accepted."));
                continue;
            }

            command.Status = result.Acknowledged ? CommandStatus.Acknowledged : CommandStatus.Error;
            command.CompletedAtUtc = now;
            command.Detail = result.Detail;
            pending.Remove(command);
            if (result.Acknowledged)
            {
                device.Network = command.Type switch
                {
                    CommandType.BlockNetwork => NetworkState.Blocked,
                    CommandType.UnblockNetwork => NetworkState.Allowed,
                    CommandType.FullWipe => NetworkState.Allowed,
                    _ => device.Network,
                };
            }
        }

        return errors;
    }

    private static async Task<IEnumerable<RejectedResult>> RejectUnknownResultsAsync(MasqueDbContext db, Device device, List<Guid> unknown, CancellationToken cancellationToken)
    {
        var answered = await db.DeviceCommands.AsNoTracking().Where(c => c.DeviceId == device.Id && unknown.Contains(c.Id))
            .Select(c => new { c.Id, c.Status }).ToListAsync(cancellationToken);
        return unknown.Select(id => answered.FirstOrDefault(a => a.Id == id) is { } known
            ? new RejectedResult(id, $"This command was already answered ({known.Status}).")
            : new RejectedResult(id, "No such command was sent to this device: the result is ignored."));
    }

    // ---- validation: every field bounded, every refusal in words ----

    public sealed record ValidApp(string BundleId, string Name, string? Version, string? TeamId, string? SignerSha1, string? Distribution,
        string UrlSchemes, string Extensions, bool? Managed, string? ProfileUuid, string? Sha256);

    private sealed record ValidResult(Guid CommandId, bool Acknowledged, string? Detail);

    private sealed record ValidReport(long Sequence, string OsVersion, int OsVersionKey, bool Supervised, bool Jailbroken, bool ContainerEnabled,
        IReadOnlyList<ValidApp> Apps, IReadOnlyList<ReportedProfile> Profiles, IReadOnlyList<ValidResult> Results);

    private static ValidReport Validate(CheckInRequest? request)
    {
        if (request is null)
        {
            throw DomainException.Invalid("The body must be a JSON object (see the device contract in the README).");
        }

        if (request.Sequence is not { } sequence || sequence < 0)
        {
            throw DomainException.Invalid("sequence is required: a non-negative number that grows with every check-in.");
        }

        var os = Required(request.OsVersion, "osVersion", 16);
        if (!OsVersions.TryKey(os, out var osKey))
        {
            throw DomainException.Invalid("osVersion must look like 7.1 or 8.1.3.");
        }

        var apps = request.InstalledApps ?? [];
        if (apps.Count > MaxApps)
        {
            throw DomainException.Invalid($"installedApps lists {apps.Count} apps; at most {MaxApps} are accepted.");
        }

        var validApps = apps.Select((a, i) => ValidateApp(a, i)).ToList();
        var profiles = request.ProvisioningProfiles ?? [];
        if (profiles.Count > MaxProfiles)
        {
            throw DomainException.Invalid($"provisioningProfiles lists {profiles.Count} profiles; at most {MaxProfiles} are accepted.");
        }

        var validProfiles = profiles.Select((p, i) => p is null
            ? throw DomainException.Invalid($"provisioningProfiles[{i}] is null.")
            : new ReportedProfile(Required(p.Uuid, $"provisioningProfiles[{i}].uuid", 64), Optional(p.Name, $"provisioningProfiles[{i}].name", 256),
                TeamId(p.TeamId, $"provisioningProfiles[{i}].teamId"), p.ExpiresAt, p.ProvisionsAllDevices)).ToList();

        var results = request.CommandResults ?? [];
        if (results.Count > MaxResults)
        {
            throw DomainException.Invalid($"commandResults lists {results.Count} results; at most {MaxResults} are accepted.");
        }

        var validResults = results.Select((r, i) => r is null
            ? throw DomainException.Invalid($"commandResults[{i}] is null.")
            : new ValidResult(
                r.CommandId ?? throw DomainException.Invalid($"commandResults[{i}].commandId is required."),
                r.Status switch
                {
                    "Acknowledged" => true,
                    "Error" => false,
                    _ => throw DomainException.Invalid($"commandResults[{i}].status must be Acknowledged or Error."),
                },
                Optional(r.Detail, $"commandResults[{i}].detail", 2000))).ToList();

        return new ValidReport(sequence, os, osKey, request.Supervised ?? false, request.Jailbroken ?? false, request.ContainerEnabled ?? true,
            validApps, validProfiles, validResults);
    }

    private static ValidApp ValidateApp(InstalledApp? app, int index)
    {
        var at = $"installedApps[{index}]";
        if (app is null)
        {
            throw DomainException.Invalid($"{at} is null.");
        }

        var bundleId = Required(app.BundleId, $"{at}.bundleId", 256);
        var distribution = app.Distribution switch
        {
            null => null,
            "AppStore" or "Enterprise" or "AdHoc" or "Development" => app.Distribution,
            _ => throw DomainException.Invalid($"{at}.distribution must be AppStore, Enterprise, AdHoc or Development."),
        };
        var sha1 = Optional(app.SignerSha1, $"{at}.signerSha1", 40)?.ToLowerInvariant();
        if (sha1 is not null && (sha1.Length != 40 || !HexPattern().IsMatch(sha1)))
        {
            throw DomainException.Invalid($"{at}.signerSha1 must be 40 hexadecimal digits.");
        }

        var sha256 = Optional(app.Sha256, $"{at}.sha256", 64)?.ToLowerInvariant();
        if (sha256 is not null && (sha256.Length != 64 || !HexPattern().IsMatch(sha256)))
        {
            throw DomainException.Invalid($"{at}.sha256 must be 64 hexadecimal digits.");
        }

        return new ValidApp(bundleId, Optional(app.Name, $"{at}.name", 256) ?? "", Optional(app.Version, $"{at}.version", 64),
            TeamId(app.TeamId, $"{at}.teamId"), sha1, distribution,
            Words(app.UrlSchemes, $"{at}.urlSchemes"), Words(app.Extensions, $"{at}.extensions"),
            app.Managed, Optional(app.ProfileUuid, $"{at}.profileUuid", 64), sha256);
    }

    private static string Words(IReadOnlyList<string?>? values, string field)
    {
        if (values is null || values.Count == 0)
        {
            return "";
        }

        if (values.Count > 50)
        {
            throw DomainException.Invalid($"{field} lists more than 50 entries.");
        }

        return string.Join(' ', values.Select((v, i) => v is { Length: > 0 and <= 256 } && !v.Any(char.IsWhiteSpace)
            ? v
            : throw DomainException.Invalid($"{field}[{i}] must be a non-empty word of at most 256 characters.")).Distinct(StringComparer.Ordinal));
    }

    private static string? TeamId(string? value, string field) =>
        value is null ? null : Catalog.TeamIds.IsValid(value) ? value : throw DomainException.Invalid($"{field} must be a 10-character Apple Team ID.");

    private static string Required(string? value, string field, int max) =>
        Optional(value, field, max) ?? throw DomainException.Invalid($"{field} is required.");

    private static string? Optional(string? value, string field, int max) => value switch
    {
        null => null,
        { Length: 0 } => null,
        _ when value.Length > max => throw DomainException.Invalid($"{field} is longer than {max} characters."),
        _ when value.Any(char.IsControl) => throw DomainException.Invalid($"{field} contains control characters."),
        _ => value.Trim(),
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9-]{20,64}$")]
    private static partial Regex UdidPattern();

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex HexPattern();
}
