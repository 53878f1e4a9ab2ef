using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Fleet;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DeviceSort>))]
public enum DeviceSort
{
    LastCheckIn,
    Owner,
    OsVersion,
    Compliance,
    Model,
}

/// <summary>Filters of the fleet table; all optional.</summary>
public sealed record DeviceQuery(
    ComplianceState? Compliance = null,
    string? RuleId = null,
    string? OsBelow = null,
    bool? Supervised = null,
    string? Search = null,
    string? CarryingBundleId = null,
    DeviceSort Sort = DeviceSort.LastCheckIn,
    bool Descending = true,
    int Skip = 0,
    int Take = 25);

public sealed record DeviceRow(long Id, string Udid, string SerialNumber, string Model, string Owner, string OsVersion, bool Supervised, bool Jailbroken,
    ComplianceState Compliance, NetworkState Network, DateTime? LastCheckInAtUtc, int AppCount, IReadOnlyList<string> Violations);

/// <param name="Genuine">For an app with a catalog app's bundle id: the catalog's team, to set the impostor beside its genuine twin.</param>
public sealed record DeviceAppRow(string BundleId, string Name, string? Version, string? TeamId, string? SignerSha1, string? Distribution, bool? Managed,
    IReadOnlyList<string> UrlSchemes, IReadOnlyList<ViolationView> Findings, string? GenuineTeamId, string? GenuineName);

public sealed record DeviceCommandRow(Guid Id, CommandType Type, string Payload, CommandStatus Status, string Reason, string RequestedBy,
    DateTime QueuedAtUtc, DateTime? SentAtUtc, DateTime? CompletedAtUtc, string? Detail);

public sealed record DeviceViolationRow(string PolicyId, string RuleId, string Subject, string Detail, DateTime SinceUtc, int StepsApplied, DateTime? NextStepAtUtc, string? NextStep);

public sealed record FullWipeRow(Guid Id, long DeviceId, string DeviceOwner, string DeviceModel, string RequestedBy, string RequestedById, string Reason, DateTime RequestedAtUtc,
    FullWipeStatus Status, string? DecidedBy, DateTime? DecidedAtUtc, string? DecisionComment);

public sealed record DeviceDetail(DeviceRow Device, DateTime EnrolledAtUtc, bool ContainerEnabled, IReadOnlyList<DeviceAppRow> Apps, IReadOnlyList<DeviceViolationRow> Violations,
    IReadOnlyList<DeviceCommandRow> Commands, IReadOnlyList<FullWipeRow> WipeRequests, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<ReportedProfile> Profiles);

public sealed record EscalationDue(long DeviceId, string Owner, string RuleId, string Subject, string NextStep, DateTime DueAtUtc);

public sealed record QuarantineOverview(IReadOnlyList<DeviceRow> Quarantined, int QuarantinedTotal, IReadOnlyList<FullWipeRow> PendingWipes, IReadOnlyList<EscalationDue> Escalations);

public sealed record CountBy(string Key, int Count);

/// <param name="States">Devices per state at each day's last sweep (Compliant, NonCompliant, Quarantined).</param>
/// <param name="MasqueDetections">Masque violations (MASQUE-*) that began on devices that day.</param>
public sealed record FleetDay(DateOnly Day, int Compliant, int NonCompliant, int Quarantined, int MasqueDetections);

/// <summary>What waits for one EMM administrator: full wipes someone else requested, and held batches.</summary>
public sealed record PendingApprovals(int Wipes, int HeldBatches)
{
    public int Total => Wipes + HeldBatches;
}

public sealed record FleetStats(int Total, int Compliant, int NonCompliant, int Quarantined, IReadOnlyList<CountBy> OsVersions, IReadOnlyList<CountBy> Violations, int PendingWipes);

/// <summary>The fleet as EMM administrators and auditors see it, and the actions people take on devices (PRODUCT.md §6, §7).</summary>
public sealed class FleetService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    ComplianceEngine engine,
    FleetCache cache,
    FleetNotifier notifier,
    TimeProvider time)
{
    public const int MaxBulk = 1_000;

    public async Task<Paged<DeviceRow>> SearchAsync(ClaimsPrincipal by, DeviceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var devices = Filter(db, query);
        var total = await devices.CountAsync(cancellationToken);
        devices = (query.Sort, query.Descending) switch
        {
            (DeviceSort.Owner, false) => devices.OrderBy(d => d.Owner).ThenBy(d => d.Id),
            (DeviceSort.Owner, true) => devices.OrderByDescending(d => d.Owner).ThenBy(d => d.Id),
            (DeviceSort.OsVersion, false) => devices.OrderBy(d => d.OsVersionKey).ThenBy(d => d.Id),
            (DeviceSort.OsVersion, true) => devices.OrderByDescending(d => d.OsVersionKey).ThenBy(d => d.Id),
            (DeviceSort.Compliance, false) => devices.OrderBy(d => d.Compliance).ThenBy(d => d.Id),
            (DeviceSort.Compliance, true) => devices.OrderByDescending(d => d.Compliance).ThenBy(d => d.Id),
            (DeviceSort.Model, false) => devices.OrderBy(d => d.Model).ThenBy(d => d.Id),
            (DeviceSort.Model, true) => devices.OrderByDescending(d => d.Model).ThenBy(d => d.Id),
            (_, false) => devices.OrderBy(d => d.LastCheckInAtUtc).ThenBy(d => d.Id),
            _ => devices.OrderByDescending(d => d.LastCheckInAtUtc).ThenBy(d => d.Id),
        };
        var page = await devices.Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 200)).ToListAsync(cancellationToken);
        return new Paged<DeviceRow>(await RowsAsync(db, page, cancellationToken), total);
    }

    public async Task<DeviceDetail> GetAsync(ClaimsPrincipal by, long id, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken)
            ?? throw DomainException.NotFound("No such device.");
        var state = await cache.GetAsync(cancellationToken);
        var builds = await (from a in db.DeviceApps where a.DeviceId == id join b in db.AppBuilds on a.AppBuildId equals b.Id select b)
            .AsNoTracking().ToListAsync(cancellationToken);
        var apps = builds
            .Select(b => (Build: b, Findings: state.Judge(b), Genuine: state.Snapshot.ByBundleId.GetValueOrDefault(b.BundleId)))
            .OrderByDescending(x => x.Findings.Count).ThenBy(x => x.Build.Name, StringComparer.OrdinalIgnoreCase)
            .Select(x => new DeviceAppRow(x.Build.BundleId, x.Build.Name, x.Build.Version, x.Build.TeamId, x.Build.SignerSha1, x.Build.Distribution, x.Build.Managed,
                Catalog.CatalogApp.Split(x.Build.UrlSchemes), x.Findings.Select(f => new ViolationView(f.RuleId, f.Detail)).ToList(), x.Genuine?.TeamId, x.Genuine?.Name))
            .ToList();
        var violations = await db.DeviceViolations.AsNoTracking().Where(v => v.DeviceId == id).OrderBy(v => v.SinceUtc).ToListAsync(cancellationToken);
        var commands = await db.DeviceCommands.AsNoTracking().Where(c => c.DeviceId == id).OrderByDescending(c => c.Number).Take(200).ToListAsync(cancellationToken);
        var wipes = await db.FullWipeRequests.AsNoTracking().Where(w => w.DeviceId == id).OrderByDescending(w => w.RequestedAtUtc).ToListAsync(cancellationToken);
        var target = FleetActions.Target(id);
        var timeline = await db.AuditEvents.AsNoTracking().Where(e => e.Target == target).OrderByDescending(e => e.Sequence).Take(100)
            .Select(e => new TimelineEntry(e.OccurredAtUtc, e.Actor, e.Action, e.Details)).ToListAsync(cancellationToken);
        var checkIns = await db.DeviceCheckIns.AsNoTracking().Where(c => c.DeviceId == id).OrderByDescending(c => c.Id).Take(20).ToListAsync(cancellationToken);
        timeline.AddRange(checkIns.Select(c => new TimelineEntry(c.AtUtc, $"device:{device.Udid}", "device.checkin", $"{{\"sequence\":{c.Sequence},\"apps\":{c.AppCount},\"compliance\":\"{c.Compliance}\"}}")));
        var row = (await RowsAsync(db, [device], cancellationToken))[0];
        return new DeviceDetail(row, device.EnrolledAtUtc, device.ContainerEnabled, apps,
            violations.Select(v => ViolationRow(v, state.Policies)).ToList(),
            commands.Select(CommandRow).ToList(),
            wipes.Select(w => WipeRow(w, device)).ToList(),
            timeline.OrderByDescending(t => t.AtUtc).ToList(),
            DeviceFacts.ProfilesOf(device));
    }

    /// <summary>A person's action on one or more devices (PRODUCT.md §7); a full wipe goes through <see cref="RequestFullWipeAsync"/>.</summary>
    public async Task<int> QueueAsync(ClaimsPrincipal by, IReadOnlyCollection<long> deviceIds, CommandType type, string? reason, string? bundleId, string? clientIp,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        if (type == CommandType.FullWipe)
        {
            throw DomainException.Forbidden("A full wipe needs a second EMM administrator's approval: request it from the device page.");
        }

        if (deviceIds.Count is 0 or > MaxBulk)
        {
            throw DomainException.Invalid($"Choose between 1 and {MaxBulk} devices.");
        }

        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > 1000)
        {
            throw DomainException.Invalid("Say why (1 to 1,000 characters): the device owner and the audit trail read it.");
        }

        var payload = new JsonObject();
        switch (type)
        {
            case CommandType.Notify:
                payload["message"] = reason;
                break;
            case CommandType.RemoveApp:
                bundleId = (bundleId ?? "").Trim();
                if (bundleId.Length is 0 or > 256)
                {
                    throw DomainException.Invalid("Name the bundle id of the app to remove.");
                }

                payload["bundleId"] = bundleId;
                break;
            case CommandType.RemoveProfile:
                throw DomainException.Invalid("RemoveProfile is queued by the compliance engine for an app's profile, not by hand.");
        }

        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = deviceIds.Distinct().ToList();
        var devices = await db.Devices.Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        if (devices.Count != ids.Count)
        {
            throw DomainException.NotFound($"{ids.Count - devices.Count} of the chosen devices no longer exist.");
        }

        if (type == CommandType.RemoveApp)
        {
            // iOS lets MDM remove managed apps only: a RemoveApp for an app a device reported unmanaged is never sent.
            var unmanaged = await (from a in db.DeviceApps
                                   join b in db.AppBuilds on a.AppBuildId equals b.Id
                                   where ids.Contains(a.DeviceId) && b.BundleId == bundleId && b.Managed == false
                                   select a.DeviceId).Distinct().CountAsync(cancellationToken);
            if (unmanaged > 0)
            {
                throw DomainException.Invalid($"{bundleId} is not managed on {unmanaged} of the chosen device(s), and iOS lets MDM remove managed apps only. "
                    + "Block the device's network; the compliance engine removes the provisioning profile the app needs.");
            }
        }

        foreach (var device in devices)
        {
            await engine.QueueAsync(db, device, type, payload.DeepClone().AsObject(), reason, actor.Name, null, actor, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
        return devices.Count;
    }

    public async Task<FullWipeRow> RequestFullWipeAsync(ClaimsPrincipal by, long deviceId, string? reason, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        reason = (reason ?? "").Trim();
        if (reason.Length is < 10 or > 2000)
        {
            throw DomainException.Invalid("A full wipe erases the device: give the reason in at least 10 characters.");
        }

        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var device = await db.Devices.SingleOrDefaultAsync(d => d.Id == deviceId, cancellationToken) ?? throw DomainException.NotFound("No such device.");
        if (await db.FullWipeRequests.AnyAsync(w => w.DeviceId == deviceId && w.Status == FullWipeStatus.Pending, cancellationToken))
        {
            throw DomainException.Conflict("A full wipe of this device is already waiting for approval.");
        }

        var request = new FullWipeRequest
        {
            Id = Guid.NewGuid(), DeviceId = deviceId, RequestedById = actor.UserId ?? "", RequestedBy = actor.Name, Reason = reason,
            RequestedAtUtc = time.GetUtcNow().UtcDateTime, Status = FullWipeStatus.Pending,
        };
        db.FullWipeRequests.Add(request);
        await audit.AppendAsync(db, actor, FleetActions.WipeRequested, FleetActions.Target(deviceId), new { request = request.Id, reason, udid = device.Udid }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
        return WipeRow(request, device);
    }

    /// <summary>A second EMM administrator approves (the FullWipe is queued) or denies a full-wipe request; never the requester.</summary>
    public async Task DecideFullWipeAsync(ClaimsPrincipal by, Guid requestId, bool approve, string? comment, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await authorization.RequireAsync(by, Capabilities.CanApproveWipes);
        comment = (comment ?? "").Trim();
        if (comment.Length is 0 or > 2000)
        {
            throw DomainException.Invalid("Say why you approve or deny (1 to 2,000 characters).");
        }

        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = await db.FullWipeRequests.SingleOrDefaultAsync(w => w.Id == requestId, cancellationToken) ?? throw DomainException.NotFound("No such full-wipe request.");
        if (request.Status != FullWipeStatus.Pending)
        {
            throw DomainException.Conflict($"This request was already {request.Status.ToString().ToLowerInvariant()}.");
        }

        if (request.RequestedById == actor.UserId)
        {
            throw DomainException.Forbidden("Two-person rule: the administrator who requested a full wipe cannot approve or deny it.");
        }

        var device = await db.Devices.SingleAsync(d => d.Id == request.DeviceId, cancellationToken);
        request.Status = approve ? FullWipeStatus.Approved : FullWipeStatus.Denied;
        request.DecidedBy = actor.Name;
        request.DecidedAtUtc = time.GetUtcNow().UtcDateTime;
        request.DecisionComment = comment;
        await audit.AppendAsync(db, actor, approve ? FleetActions.WipeApproved : FleetActions.WipeDenied, FleetActions.Target(device.Id),
            new { request = request.Id, requestedBy = request.RequestedBy, comment }, cancellationToken);
        if (approve)
        {
            await engine.QueueAsync(db, device, CommandType.FullWipe, [], $"Full wipe requested by {request.RequestedBy} ({request.Reason}), approved by {actor.Name}",
                actor.Name, null, actor, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
    }

    public async Task<QuarantineOverview> QuarantineAsync(ClaimsPrincipal by, int take = 100, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var state = await cache.GetAsync(cancellationToken);
        var quarantined = db.Devices.AsNoTracking().Where(d => d.Compliance == ComplianceState.Quarantined);
        var total = await quarantined.CountAsync(cancellationToken);
        var page = await quarantined.OrderByDescending(d => d.ComplianceChangedAtUtc).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        var wipes = await (from w in db.FullWipeRequests where w.Status == FullWipeStatus.Pending join d in db.Devices on w.DeviceId equals d.Id orderby w.RequestedAtUtc select new { w, d })
            .AsNoTracking().ToListAsync(cancellationToken);
        var open = await (from v in db.DeviceViolations join d in db.Devices on v.DeviceId equals d.Id select new { v, d.Owner })
            .AsNoTracking().OrderBy(x => x.v.SinceUtc).Take(2_000).ToListAsync(cancellationToken);
        var escalations = open
            .Select(x => (x.v, x.Owner, Row: ViolationRow(x.v, state.Policies)))
            .Where(x => x.Row.NextStepAtUtc is not null)
            .OrderBy(x => x.Row.NextStepAtUtc)
            .Take(100)
            .Select(x => new EscalationDue(x.v.DeviceId, x.Owner, x.v.RuleId, x.v.Subject, x.Row.NextStep!, x.Row.NextStepAtUtc!.Value))
            .ToList();
        return new QuarantineOverview(await RowsAsync(db, page, cancellationToken), total, wipes.Select(x => WipeRow(x.w, x.d)).ToList(), escalations);
    }

    /// <summary>
    /// What <paramref name="by"/> may act on now: pending full wipes they did not request (two-person rule) if they
    /// approve wipes, and held batches if they manage the fleet. The app bar's badge.
    /// </summary>
    public async Task<PendingApprovals> PendingApprovalsAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        var userId = by.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var approves = (await authorization.AuthorizeAsync(by, Capabilities.CanApproveWipes)).Succeeded;
        var manages = (await authorization.AuthorizeAsync(by, Capabilities.CanManageFleet)).Succeeded;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var wipes = approves ? await db.FullWipeRequests.CountAsync(w => w.Status == FullWipeStatus.Pending && w.RequestedById != userId, cancellationToken) : 0;
        var batches = manages ? await db.HeldBatches.CountAsync(b => b.Status == HeldBatchStatus.Pending, cancellationToken) : 0;
        return new PendingApprovals(wipes, batches);
    }

    public async Task<FleetStats> StatsAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var states = await db.Devices.AsNoTracking().GroupBy(d => d.Compliance).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var os = await db.Devices.AsNoTracking().GroupBy(d => d.OsVersion).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var rules = await db.DeviceViolations.AsNoTracking().GroupBy(v => v.RuleId).Select(g => new { g.Key, Count = g.Select(v => v.DeviceId).Distinct().Count() }).ToListAsync(cancellationToken);
        var wipes = await db.FullWipeRequests.CountAsync(w => w.Status == FullWipeStatus.Pending, cancellationToken);
        int Of(ComplianceState s) => states.FirstOrDefault(x => x.Key == s)?.Count ?? 0;
        return new FleetStats(states.Sum(s => s.Count), Of(ComplianceState.Compliant), Of(ComplianceState.NonCompliant), Of(ComplianceState.Quarantined),
            os.OrderBy(x => OsVersions.Key(x.Key)).Select(x => new CountBy(x.Key, x.Count)).ToList(),
            rules.OrderByDescending(x => x.Count).Select(x => new CountBy(x.Key, x.Count)).ToList(), wipes);
    }

    /// <summary>The fleet's last <paramref name="days"/> days (UTC), today included: compliance over time and Masque detections.</summary>
    public async Task<IReadOnlyList<FleetDay>> HistoryAsync(ClaimsPrincipal by, int days = 14, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = today.AddDays(-(Math.Clamp(days, 1, 366) - 1));
        var stats = await db.FleetDailyStats.AsNoTracking().Where(s => s.Day >= from).ToListAsync(cancellationToken);
        int Of(DateOnly day, string key) => stats.Where(s => s.Day == day && s.Key == key).Sum(s => s.Count);
        return Enumerable.Range(0, today.DayNumber - from.DayNumber + 1).Select(from.AddDays)
            .Select(day => new FleetDay(day, Of(day, "state:Compliant"), Of(day, "state:NonCompliant"), Of(day, "state:Quarantined"),
                stats.Where(s => s.Day == day && s.Key.StartsWith("new:MASQUE-", StringComparison.Ordinal)).Sum(s => s.Count)))
            .ToList();
    }

    internal static IQueryable<Device> Filter(MasqueDbContext db, DeviceQuery query)
    {
        var devices = db.Devices.AsNoTracking();
        if (query.Compliance is { } compliance)
        {
            devices = devices.Where(d => d.Compliance == compliance);
        }

        if (!string.IsNullOrWhiteSpace(query.RuleId))
        {
            var rule = query.RuleId.Trim();
            devices = devices.Where(d => db.DeviceViolations.Any(v => v.DeviceId == d.Id && v.RuleId == rule));
        }

        if (OsVersions.TryKey(query.OsBelow, out var below))
        {
            devices = devices.Where(d => d.OsVersionKey < below);
        }

        if (query.Supervised is { } supervised)
        {
            devices = devices.Where(d => d.Supervised == supervised);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim();
            devices = devices.Where(d => d.Owner.Contains(text) || d.SerialNumber.Contains(text) || d.Udid.Contains(text) || d.Model.Contains(text));
        }

        if (!string.IsNullOrWhiteSpace(query.CarryingBundleId))
        {
            var bundleId = query.CarryingBundleId.Trim();
            var builds = db.AppBuilds.Where(b => b.BundleId == bundleId).Select(b => b.Id);
            devices = devices.Where(d => db.DeviceApps.Any(a => a.DeviceId == d.Id && builds.Contains(a.AppBuildId)));
        }

        return devices;
    }

    private static async Task<IReadOnlyList<DeviceRow>> RowsAsync(MasqueDbContext db, IReadOnlyList<Device> devices, CancellationToken cancellationToken)
    {
        var ids = devices.Select(d => d.Id).ToList();
        var violations = (await db.DeviceViolations.AsNoTracking().Where(v => ids.Contains(v.DeviceId)).Select(v => new { v.DeviceId, v.RuleId }).ToListAsync(cancellationToken))
            .ToLookup(v => v.DeviceId, v => v.RuleId);
        return devices.Select(d => new DeviceRow(d.Id, d.Udid, d.SerialNumber, d.Model, d.Owner, d.OsVersion, d.Supervised, d.Jailbroken, d.Compliance, d.Network,
            d.LastCheckInAtUtc, d.AppCount, violations[d.Id].Distinct().Order(StringComparer.Ordinal).ToList())).ToList();
    }

    private static DeviceViolationRow ViolationRow(DeviceViolation v, PolicyDocument policies)
    {
        var policy = policies.Policies.FirstOrDefault(p => p.Id == v.PolicyId);
        var next = policy is not null && v.StepsApplied < policy.Ladder.Count ? policy.Ladder[v.StepsApplied] : null;
        return new DeviceViolationRow(v.PolicyId, v.RuleId, v.Subject, v.Detail, v.SinceUtc, v.StepsApplied,
            next is null ? null : v.SinceUtc + next.After, next is null ? null : string.Join(" + ", next.Actions));
    }

    private static DeviceCommandRow CommandRow(DeviceCommand c) =>
        new(c.Id, c.Type, c.Payload, c.Status, c.Reason, c.RequestedBy, c.QueuedAtUtc, c.SentAtUtc, c.CompletedAtUtc, c.Detail);

    private static FullWipeRow WipeRow(FullWipeRequest w, Device d) =>
        new(w.Id, w.DeviceId, d.Owner, d.Model, w.RequestedBy, w.RequestedById, w.Reason, w.RequestedAtUtc, w.Status, w.DecidedBy, w.DecidedAtUtc, w.DecisionComment);

}
