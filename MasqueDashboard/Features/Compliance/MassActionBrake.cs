using System.Runtime.CompilerServices;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// The mass-action brake of PRODUCT.md §7 — contain at once, destroy only with a person. Automated <c>RemoveApp</c>,
/// <c>RemoveProfile</c> and <c>SelectiveWipe</c> commands are counted per distinct device in a sliding window of
/// <see cref="BrakeOptions.Window"/>; once they reached <see cref="BrakeOptions.MaxDevices"/> devices, the commands for
/// further devices are held in one pending batch instead of being queued. <c>Notify</c> and
/// <c>BlockNetwork</c> never pass through here.
/// </summary>
/// <remarks>
/// The window is read from the automated commands already queued, inside the caller's transaction (SQLite
/// transactions here begin IMMEDIATE, so no other writer counts at the same time), and then kept for that
/// transaction: the commands queued in it are not saved yet, and one query per transaction is all a fleet-wide
/// re-evaluation of thousands of devices costs.
/// </remarks>
public sealed class MassActionBrake(IAuditLog audit, IOptions<FleetOptions> options, TimeProvider time)
{
    private readonly ConditionalWeakTable<object, Ledger> ledgers = [];

    public static bool IsDestructive(CommandType type) => type is CommandType.RemoveApp or CommandType.RemoveProfile or CommandType.SelectiveWipe;

    /// <summary>The brake's setting in words, as held batches show it.</summary>
    public string Limit => $"{options.Value.Brake.MaxDevices} devices within {FleetDisplay.Duration(options.Value.Brake.Window)}";

    /// <summary>
    /// True when an automated destructive command for <paramref name="deviceId"/> may be queued now (the device is
    /// then counted in the window); false when it must be held.
    /// </summary>
    public async Task<bool> AdmitAsync(MasqueDbContext db, long deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ledger = await LedgerAsync(db, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - options.Value.Brake.Window;
        foreach (var aged in ledger.Counted.Where(c => c.Value <= since).Select(c => c.Key).ToList())
        {
            ledger.Counted.Remove(aged);
        }

        if (ledger.Counted.ContainsKey(deviceId) || ledger.Counted.Count < options.Value.Brake.MaxDevices)
        {
            ledger.Counted[deviceId] = now;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Holds a command in the pending batch (created, and audited, when there is none), inside the caller's transaction.
    /// The same command for the same device is held once, whichever rules ask for it.
    /// </summary>
    public async Task HoldAsync(MasqueDbContext db, Device device, DeviceViolation violation, CommandType type, string payload, string reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(violation);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(reason);
        var ledger = await LedgerAsync(db, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (ledger.Open is not { } open)
        {
            var batch = await db.HeldBatches.FirstOrDefaultAsync(b => b.Status == HeldBatchStatus.Pending, cancellationToken);
            if (batch is null)
            {
                batch = new HeldBatch
                {
                    Id = Guid.CreateVersion7(), RuleIds = violation.RuleId, Limit = Limit, Reason = Truncate(reason, 1000),
                    Status = HeldBatchStatus.Pending, HeldAtUtc = now, LastHeldAtUtc = now,
                };
                db.HeldBatches.Add(batch);
                await audit.AppendAsync(db, AuditActor.System, FleetActions.BatchHeld, FleetActions.BatchTarget(batch.Id),
                    new { batch = batch.Id, rule = violation.RuleId, policy = violation.PolicyId, limit = batch.Limit, reason = batch.Reason }, cancellationToken);
                open = new OpenBatch(batch, [], []);
            }
            else
            {
                var held = await db.HeldCommands.AsNoTracking().Where(h => h.BatchId == batch.Id)
                    .Select(h => new { h.DeviceId, h.Type, h.Payload }).ToListAsync(cancellationToken);
                open = new OpenBatch(batch, held.Select(h => (h.DeviceId, h.Type, h.Payload)).ToHashSet(), held.Select(h => h.DeviceId).ToHashSet());
            }

            ledger.Open = open;
        }

        if (!open.Commands.Add((device.Id, type, payload)))
        {
            return;
        }

        db.HeldCommands.Add(new HeldCommand
        {
            BatchId = open.Batch.Id, DeviceId = device.Id, Type = type, Payload = payload, RuleId = violation.RuleId, Reason = Truncate(reason, 1000), Subject = violation.Subject, HeldAtUtc = now,
        });
        open.Batch.CommandCount++;
        if (open.Devices.Add(device.Id))
        {
            open.Batch.DeviceCount++;
        }

        if (!open.Batch.RuleIds.Split(' ').Contains(violation.RuleId, StringComparer.Ordinal) && open.Batch.RuleIds.Length + violation.RuleId.Length < 1000)
        {
            open.Batch.RuleIds += " " + violation.RuleId;
        }

        open.Batch.LastHeldAtUtc = now;
        await audit.AppendAsync(db, AuditActor.System, FleetActions.CommandHeld, FleetActions.Target(device.Id),
            new { batch = open.Batch.Id, type = type.ToString(), payload, rule = violation.RuleId, reason, limit = open.Batch.Limit }, cancellationToken);
    }

    private async Task<Ledger> LedgerAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        // Kept per transaction (per context outside one): what it counted holds only while no other writer can queue.
        var key = (object?)db.Database.CurrentTransaction ?? db;
        if (ledgers.TryGetValue(key, out var ledger))
        {
            return ledger;
        }

        var since = time.GetUtcNow().UtcDateTime - options.Value.Brake.Window;
        var counted = await db.DeviceCommands.AsNoTracking()
            .Where(c => c.RequestedBy == ComplianceEngine.Automation && c.QueuedAtUtc > since
                && (c.Type == CommandType.RemoveApp || c.Type == CommandType.RemoveProfile || c.Type == CommandType.SelectiveWipe))
            .GroupBy(c => c.DeviceId)
            .Select(g => new { g.Key, At = g.Max(c => c.QueuedAtUtc) })
            .ToDictionaryAsync(x => x.Key, x => x.At, cancellationToken);
        ledger = new Ledger(counted);
        ledgers.AddOrUpdate(key, ledger);
        return ledger;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    /// <param name="Counted">Devices counted in the window, with the time of their latest automated destructive command.</param>
    private sealed record Ledger(Dictionary<long, DateTime> Counted)
    {
        public OpenBatch? Open { get; set; }
    }

    private sealed record OpenBatch(HeldBatch Batch, HashSet<(long DeviceId, CommandType Type, string Payload)> Commands, HashSet<long> Devices);
}
