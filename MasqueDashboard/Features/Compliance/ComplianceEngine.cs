using System.Text.Json;
using System.Text.Json.Nodes;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Compliance;

/// <summary>Audit actions of the fleet and compliance features.</summary>
public static class FleetActions
{
    public const string Enrolled = "device.enrolled";
    public const string Reenrolled = "device.reenrolled";
    public const string Quarantined = "device.quarantined";
    public const string Released = "device.released";
    public const string NonCompliant = "device.noncompliant";
    public const string Compliant = "device.compliant";
    public const string CommandQueued = "command.queued";
    public const string CommandFailed = "command.failed";
    public const string WipeRequested = "wipe.requested";
    public const string WipeApproved = "wipe.approved";
    public const string WipeDenied = "wipe.denied";
    public const string PolicyUpdated = "policy.updated";
    public const string Reevaluated = "fleet.reevaluated";
    public const string ScenarioTriggered = "simulator.scenario";
    public const string WipeExpired = "wipe.expired";
    public const string CommandHeld = "command.held";
    public const string BatchHeld = "brake.held";
    public const string BatchReleased = "brake.released";
    public const string BatchCancelled = "brake.cancelled";
    public const string BatchExpired = "brake.expired";

    public static string Target(long deviceId) => $"device:{deviceId}";

    public static string BatchTarget(Guid batchId) => $"held-batch:{batchId}";
}

/// <param name="Violations">What the device fails now.</param>
/// <param name="Changed">True when a violation, a command or the state changed.</param>
public sealed record ComplianceOutcome(IReadOnlyList<DeviceViolation> Violations, bool Changed);

/// <summary>
/// Applies what a device fails now (PRODUCT.md §7): keeps its violations, runs each policy's escalation ladder,
/// moves it between Compliant, NonCompliant and Quarantined, and releases quarantine when it is clean — inside the
/// caller's transaction, with an audit event for every command and state change.
/// </summary>
public sealed class ComplianceEngine(IAuditLog audit, MassActionBrake brake, TimeProvider time)
{
    public const string Automation = "compliance";

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>The device's violations after applying <paramref name="failing"/>, and whether anything changed.</summary>
    /// <param name="existing">The device's tracked violations, when the caller loaded them in bulk; else they are loaded.</param>
    /// <param name="pending">The device's tracked Queued and Sent commands, likewise.</param>
    public async Task<ComplianceOutcome> ApplyAsync(
        MasqueDbContext db, Device device, IReadOnlyCollection<ViolationFact> failing, PolicyDocument policies,
        List<DeviceViolation>? existing = null, List<DeviceCommand>? pending = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(failing);
        ArgumentNullException.ThrowIfNull(policies);
        var now = time.GetUtcNow().UtcDateTime;
        existing ??= await db.DeviceViolations.Where(v => v.DeviceId == device.Id).ToListAsync(cancellationToken);
        pending ??= await PendingAsync(db, device.Id, cancellationToken);

        var changed = false;
        var commandsBefore = pending.Count;
        var wanted = failing.GroupBy(f => (f.RuleId, f.Subject)).ToDictionary(g => g.Key, g => g.First());
        var facts = new Dictionary<(string, string), ViolationFact>(wanted);
        var kept = new List<DeviceViolation>(wanted.Count);
        foreach (var v in existing)
        {
            if (wanted.Remove((v.RuleId, v.Subject), out var fact))
            {
                var detail = Truncate(fact.Detail, 2000);
                if (v.Detail != detail || v.PolicyId != fact.PolicyId)
                {
                    (v.Detail, v.PolicyId, changed) = (detail, fact.PolicyId, true);
                }

                kept.Add(v);
            }
            else
            {
                db.DeviceViolations.Remove(v);
                changed = true;
            }
        }

        foreach (var rule in wanted.Values.GroupBy(f => f.RuleId))
        {
            await CountAsync(db, DateOnly.FromDateTime(now), $"new:{rule.Key}", rule.Count(), cancellationToken);
        }

        foreach (var fact in wanted.Values)
        {
            var v = new DeviceViolation { DeviceId = device.Id, PolicyId = fact.PolicyId, RuleId = fact.RuleId, Subject = fact.Subject, Detail = Truncate(fact.Detail, 2000), SinceUtc = now };
            db.DeviceViolations.Add(v);
            kept.Add(v);
            changed = true;
        }

        var notices = new List<(string Reason, string Message)>();
        var actions = new List<(DeviceViolation Violation, Policy Policy, CommandType Action, int Step)>();
        foreach (var v in kept)
        {
            var policy = policies.Policies.FirstOrDefault(p => p.Id == v.PolicyId);
            while (policy is not null && v.StepsApplied < policy.Ladder.Count && v.SinceUtc + policy.Ladder[v.StepsApplied].After <= now)
            {
                foreach (var action in policy.Ladder[v.StepsApplied].Actions)
                {
                    if (action == CommandType.Notify)
                    {
                        notices.Add(($"{v.RuleId}: {policy.Name}, step {v.StepsApplied + 1}", v.Detail));
                    }
                    else
                    {
                        actions.Add((v, policy, action, v.StepsApplied));
                    }
                }

                v.StepsApplied++;
                changed = true;
            }
        }

        if (notices.Count > 0)
        {
            // One notice per evaluation, however many rules it names, and before the actions it announces.
            await QueueAsync(db, device, CommandType.Notify, new JsonObject { ["message"] = Truncate(string.Join("\n", notices.Select(n => n.Message).Distinct()), 2000) },
                string.Join("; ", notices.Select(n => n.Reason)), Automation, pending, AuditActor.System, cancellationToken);
        }

        // Contain first, then the precise levers (the app, then the profile that installed it), then the wipe.
        var untrustedProfiles = kept.Where(v => v.RuleId == ViolationIds.UntrustedProvisioningProfile).Select(v => v.Subject).ToList();
        foreach (var (v, policy, action, step) in actions.OrderBy(a => a.Action switch
        {
            CommandType.BlockNetwork => 0,
            CommandType.RemoveApp when a.Violation.RuleId != ViolationIds.UntrustedProvisioningProfile => 1,
            CommandType.RemoveApp => 2,
            _ => 3,
        }))
        {
            await QueueForViolationAsync(db, device, v, facts.GetValueOrDefault((v.RuleId, v.Subject)), policy, action, step, pending, untrustedProfiles, cancellationToken);
        }

        // Quarantine holds while a remaining violation's ladder has blocked the network; it lifts itself when none
        // does — the device is compliant again, or fails only rules whose ladder never blocked (a notice, say).
        var blocked = EffectiveNetwork(device, pending) == NetworkState.Blocked;
        var containing = kept.Any(v => policies.Policies.FirstOrDefault(p => p.Id == v.PolicyId) is { } p
            && p.Ladder.Take(v.StepsApplied).Any(step => step.Actions.Contains(CommandType.BlockNetwork)));
        if (blocked && !containing && device.Compliance == ComplianceState.Quarantined)
        {
            await QueueAsync(db, device, CommandType.UnblockNetwork, new JsonObject(),
                kept.Count == 0 ? "Compliant again: quarantine lifted" : "No remaining violation calls for quarantine: lifted", Automation, pending, AuditActor.System, cancellationToken);
            blocked = false;
        }

        var state = kept.Count == 0 ? ComplianceState.Compliant : blocked ? ComplianceState.Quarantined : ComplianceState.NonCompliant;

        if (state != device.Compliance)
        {
            var action = state switch
            {
                ComplianceState.Quarantined => FleetActions.Quarantined,
                ComplianceState.Compliant when device.Compliance == ComplianceState.Quarantined => FleetActions.Released,
                ComplianceState.Compliant => FleetActions.Compliant,
                _ when device.Compliance == ComplianceState.Quarantined => FleetActions.Released,
                _ => FleetActions.NonCompliant,
            };
            await audit.AppendAsync(db, AuditActor.System, action, FleetActions.Target(device.Id),
                new { udid = device.Udid, from = device.Compliance.ToString(), to = state.ToString(), violations = kept.Select(v => v.RuleId).Distinct().ToList() }, cancellationToken);
            device.Compliance = state;
            device.ComplianceChangedAtUtc = now;
            changed = true;
        }

        return new ComplianceOutcome(kept, changed || pending.Count != commandsBefore);
    }

    /// <summary>
    /// True when <see cref="ApplyAsync"/> would change nothing: the same violations with the same details, no ladder
    /// step due, and the state it would compute is the device's. A fleet-wide re-evaluation skips such devices
    /// without attaching them.
    /// </summary>
    public static bool IsSettled(Device device, IReadOnlyCollection<ViolationFact> failing, IReadOnlyList<DeviceViolation> existing,
        IReadOnlyList<DeviceCommand> pending, PolicyDocument policies, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(failing);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(policies);
        var wanted = new Dictionary<(string, string), ViolationFact>();
        foreach (var fact in failing)
        {
            wanted.TryAdd((fact.RuleId, fact.Subject), fact);
        }

        if (wanted.Count != existing.Count)
        {
            return false;
        }

        var containing = false;
        foreach (var v in existing)
        {
            if (!wanted.TryGetValue((v.RuleId, v.Subject), out var fact) || fact.PolicyId != v.PolicyId || Truncate(fact.Detail, 2000) != v.Detail)
            {
                return false;
            }

            var policy = policies.Policies.FirstOrDefault(p => p.Id == v.PolicyId);
            if (policy is not null && v.StepsApplied < policy.Ladder.Count && v.SinceUtc + policy.Ladder[v.StepsApplied].After <= nowUtc)
            {
                return false; // a ladder step is due
            }

            containing |= policy is not null && policy.Ladder.Take(v.StepsApplied).Any(step => step.Actions.Contains(CommandType.BlockNetwork));
        }

        var blocked = EffectiveNetwork(device, pending) == NetworkState.Blocked;
        if (blocked && !containing && device.Compliance == ComplianceState.Quarantined)
        {
            return false; // quarantine would lift
        }

        var state = existing.Count == 0 ? ComplianceState.Compliant : blocked ? ComplianceState.Quarantined : ComplianceState.NonCompliant;
        return state == device.Compliance;
    }

    /// <summary>Adds <paramref name="delta"/> to a day's figure (or sets it, with <paramref name="absolute"/>), in the caller's transaction.</summary>
    /// <remarks>Quoted names and <c>ON CONFLICT … DO UPDATE</c> read the same on SQLite and PostgreSQL.</remarks>
    public static Task CountAsync(MasqueDbContext db, DateOnly day, string key, int delta, CancellationToken cancellationToken, bool absolute = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        return absolute
            ? db.Database.ExecuteSqlInterpolatedAsync($"""INSERT INTO "FleetDailyStats" ("Day", "Key", "Count") VALUES ({day}, {key}, {delta}) ON CONFLICT ("Day", "Key") DO UPDATE SET "Count" = excluded."Count" """, cancellationToken)
            : db.Database.ExecuteSqlInterpolatedAsync($"""INSERT INTO "FleetDailyStats" ("Day", "Key", "Count") VALUES ({day}, {key}, {delta}) ON CONFLICT ("Day", "Key") DO UPDATE SET "Count" = "FleetDailyStats"."Count" + excluded."Count" """, cancellationToken);
    }

    /// <summary>Records today's number of devices in each state (the overview's compliance over time).</summary>
    public async Task SnapshotStatesAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var counts = await db.Devices.AsNoTracking().GroupBy(d => d.Compliance).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        foreach (var state in Enum.GetValues<ComplianceState>())
        {
            await CountAsync(db, day, $"state:{state}", counts.FirstOrDefault(c => c.Key == state)?.Count ?? 0, cancellationToken, absolute: true);
        }
    }

    /// <summary>Queues a command for a device, audited; <paramref name="pending"/> (if given) learns of it.</summary>
    public async Task<DeviceCommand> QueueAsync(MasqueDbContext db, Device device, CommandType type, JsonObject payload, string reason, string requestedBy,
        List<DeviceCommand>? pending, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(actor);
        var command = new DeviceCommand
        {
            Id = Guid.CreateVersion7(),
            DeviceId = device.Id,
            Type = type,
            Payload = (payload ?? []).ToJsonString(PayloadJson),
            Status = CommandStatus.Queued,
            Reason = Truncate(reason, 1000),
            RequestedBy = requestedBy,
            QueuedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.DeviceCommands.Add(command);
        pending?.Add(command);
        await audit.AppendAsync(db, actor, FleetActions.CommandQueued, FleetActions.Target(device.Id),
            new { command = command.Id, type = type.ToString(), payload = command.Payload, reason = command.Reason }, cancellationToken);
        return command;
    }

    public static Task<List<DeviceCommand>> PendingAsync(MasqueDbContext db, long deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.DeviceCommands.Where(c => c.DeviceId == deviceId && (c.Status == CommandStatus.Queued || c.Status == CommandStatus.Sent))
            .OrderBy(c => c.Number).ToListAsync(cancellationToken);
    }

    /// <summary>The network state once the pending Block/Unblock commands have run.</summary>
    public static NetworkState EffectiveNetwork(Device device, IEnumerable<DeviceCommand> pending)
    {
        ArgumentNullException.ThrowIfNull(device);
        var last = pending.LastOrDefault(c => c.Type is CommandType.BlockNetwork or CommandType.UnblockNetwork);
        return last is null ? device.Network : last.Type == CommandType.BlockNetwork ? NetworkState.Blocked : NetworkState.Allowed;
    }

    /// <summary>
    /// Queues one ladder action for a violation. RemoveApp is the ladder's word for "the precise lever": for an app the
    /// device reported unmanaged (iOS lets MDM remove managed apps only) it becomes RemoveProfile of the app's profile,
    /// or of the device's untrusted profiles when the app names none (PRODUCT.md §7). Destructive commands pass the
    /// mass-action brake, which may hold them.
    /// </summary>
    private async Task QueueForViolationAsync(MasqueDbContext db, Device device, DeviceViolation v, ViolationFact? fact, Policy policy, CommandType action, int step,
        List<DeviceCommand> pending, IReadOnlyList<string> untrustedProfiles, CancellationToken cancellationToken)
    {
        var reason = $"{v.RuleId}: {policy.Name}, step {step + 1}";
        switch (action)
        {
            case CommandType.BlockNetwork when EffectiveNetwork(device, pending) == NetworkState.Blocked:
            case CommandType.SelectiveWipe when pending.Any(c => c.Type == CommandType.SelectiveWipe):
            case CommandType.RemoveApp when v.Subject.Length == 0:
                return;
            case CommandType.RemoveApp when v.RuleId == ViolationIds.UntrustedProvisioningProfile:
                // The lever for a profile is removing the profile: the apps it provisions stop launching.
                await QueueDestructiveAsync(db, device, v, CommandType.RemoveProfile, new JsonObject { ["uuid"] = v.Subject }, reason, pending, cancellationToken);
                return;
            case CommandType.RemoveApp when fact?.Managed == false:
                foreach (var uuid in fact.ProfileUuid is { } own ? [own] : untrustedProfiles)
                {
                    await QueueDestructiveAsync(db, device, v, CommandType.RemoveProfile, new JsonObject { ["uuid"] = uuid }, $"{reason} ({v.Subject} is not managed: its profile is removed)", pending, cancellationToken);
                }

                return;
            case CommandType.RemoveApp:
                await QueueDestructiveAsync(db, device, v, action, new JsonObject { ["bundleId"] = v.Subject }, reason, pending, cancellationToken);
                return;
            case CommandType.SelectiveWipe:
                await QueueDestructiveAsync(db, device, v, action, new JsonObject(), reason, pending, cancellationToken);
                return;
            default:
                await QueueAsync(db, device, action, new JsonObject(), reason, Automation, pending, AuditActor.System, cancellationToken);
                return;
        }
    }

    private async Task QueueDestructiveAsync(MasqueDbContext db, Device device, DeviceViolation v, CommandType type, JsonObject payload, string reason,
        List<DeviceCommand> pending, CancellationToken cancellationToken)
    {
        var subject = (payload["bundleId"] ?? payload["uuid"])?.GetValue<string>();
        if (subject is not null && pending.Any(c => c.Type == type && PayloadSubject(c) == subject))
        {
            return; // already on its way
        }

        if (await brake.AdmitAsync(db, device.Id, cancellationToken))
        {
            await QueueAsync(db, device, type, payload, reason, Automation, pending, AuditActor.System, cancellationToken);
        }
        else
        {
            await brake.HoldAsync(db, device, v, type, payload.ToJsonString(PayloadJson), reason, cancellationToken);
        }
    }

    /// <summary>The bundle id of a RemoveApp, the profile UUID of a RemoveProfile.</summary>
    public static string? PayloadSubject(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var payload = JsonNode.Parse(command.Payload);
        return (payload?["bundleId"] ?? payload?["uuid"])?.GetValue<string>();
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
