using System.Security.Claims;
using System.Text.Json.Nodes;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Compliance;

public sealed record HeldCommandRow(long DeviceId, string Owner, string Model, CommandType Type, string Payload, string RuleId, string Subject, string Reason, DateTime HeldAtUtc);

/// <param name="Commands">The first held commands (up to the caller's limit), oldest first.</param>
/// <param name="Types">How many held commands of each type.</param>
/// <param name="RuleIds">The violations whose ladders asked for the held commands.</param>
public sealed record HeldBatchRow(Guid Id, IReadOnlyList<string> RuleIds, string Limit, string Reason, HeldBatchStatus Status, DateTime HeldAtUtc, DateTime LastHeldAtUtc,
    DateTime ExpiresAtUtc, int DeviceCount, int CommandCount, IReadOnlyList<CountBy> Types, IReadOnlyList<HeldCommandRow> Commands, string? DecidedBy, DateTime? DecidedAtUtc,
    string? DecisionComment, int? QueuedCount);

/// <summary>What a release did: the commands queued, and those skipped because the device no longer fails the rule.</summary>
public sealed record HeldBatchRelease(int Queued, int Skipped);

/// <summary>
/// The batches the mass-action brake held (PRODUCT.md §7) as EMM administrators see them at <c>/quarantine</c>, and
/// the release and cancel only they may do: a release queues the held commands, a cancel drops them; both audited.
/// </summary>
public sealed class HeldBatchService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    ComplianceEngine engine,
    FleetNotifier notifier,
    IOptions<FleetOptions> options,
    TimeProvider time)
{
    public const int MaxComment = 2_000;

    /// <summary>The batches waiting for a decision, oldest first, each with its first <paramref name="commandsPerBatch"/> commands.</summary>
    public async Task<IReadOnlyList<HeldBatchRow>> PendingAsync(ClaimsPrincipal by, int commandsPerBatch = 50, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var batches = await db.HeldBatches.AsNoTracking().Where(b => b.Status == HeldBatchStatus.Pending).OrderBy(b => b.HeldAtUtc).Take(100).ToListAsync(cancellationToken);
        var rows = new List<HeldBatchRow>(batches.Count);
        foreach (var batch in batches)
        {
            rows.Add(await RowAsync(db, batch, Math.Clamp(commandsPerBatch, 0, 1_000), cancellationToken));
        }

        return rows;
    }

    /// <summary>One batch, whatever its status, with its first <paramref name="commands"/> commands.</summary>
    public async Task<HeldBatchRow> GetAsync(ClaimsPrincipal by, Guid id, int commands = 1_000, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var batch = await db.HeldBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw DomainException.NotFound("No such held batch.");
        return await RowAsync(db, batch, Math.Clamp(commands, 0, 100_000), cancellationToken);
    }

    /// <summary>Queues the batch's commands for the devices that still fail its rule; the rest are skipped.</summary>
    public async Task<HeldBatchRelease> ReleaseAsync(ClaimsPrincipal by, Guid id, string? comment, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        comment = Comment(comment);
        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await PendingBatchAsync(db, id, cancellationToken);
        var held = await db.HeldCommands.AsNoTracking().Where(h => h.BatchId == id).OrderBy(h => h.Id).ToListAsync(cancellationToken);
        var deviceIds = held.Select(h => h.DeviceId).Distinct().ToList();
        var devices = new Dictionary<long, Device>();
        var rules = held.Select(h => h.RuleId).Distinct().ToList();
        var failing = new HashSet<(long, string, string)>();
        var pending = new Dictionary<long, List<DeviceCommand>>();
        foreach (var chunk in deviceIds.Chunk(FleetReevaluation.BatchSize))
        {
            foreach (var device in await db.Devices.Where(d => chunk.Contains(d.Id)).ToListAsync(cancellationToken))
            {
                devices[device.Id] = device;
            }

            failing.UnionWith((await db.DeviceViolations.AsNoTracking().Where(v => chunk.Contains(v.DeviceId) && rules.Contains(v.RuleId))
                .Select(v => new { v.DeviceId, v.RuleId, v.Subject }).ToListAsync(cancellationToken)).Select(v => (v.DeviceId, v.RuleId, v.Subject)));
            foreach (var group in (await db.DeviceCommands.Where(c => chunk.Contains(c.DeviceId) && (c.Status == CommandStatus.Queued || c.Status == CommandStatus.Sent))
                .OrderBy(c => c.Number).ToListAsync(cancellationToken)).GroupBy(c => c.DeviceId))
            {
                pending[group.Key] = group.ToList();
            }
        }

        var (queued, skipped) = (0, 0);
        foreach (var command in held)
        {
            var own = pending.TryGetValue(command.DeviceId, out var list) ? list : pending[command.DeviceId] = [];
            var payload = JsonNode.Parse(command.Payload) as JsonObject ?? [];
            var subject = (payload["bundleId"] ?? payload["uuid"])?.GetValue<string>();
            if (!devices.TryGetValue(command.DeviceId, out var device) || !failing.Contains((command.DeviceId, command.RuleId, command.Subject))
                || own.Any(c => c.Type == command.Type && (subject is null || ComplianceEngine.PayloadSubject(c) == subject)))
            {
                skipped++; // fixed meanwhile, or the same command is already on its way
                continue;
            }

            await engine.QueueAsync(db, device, command.Type, payload, $"{command.Reason} (held by the mass-action brake, released by {actor.Name})", actor.Name, own, actor, cancellationToken);
            queued++;
        }

        Decide(batch, HeldBatchStatus.Released, actor.Name, comment);
        batch.QueuedCount = queued;
        await audit.AppendAsync(db, actor, FleetActions.BatchReleased, FleetActions.BatchTarget(batch.Id),
            new { batch = batch.Id, rules = batch.RuleIds, devices = batch.DeviceCount, commands = batch.CommandCount, queued, skipped, comment }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
        return new HeldBatchRelease(queued, skipped);
    }

    /// <summary>Drops the batch's commands: nothing is queued.</summary>
    public async Task CancelAsync(ClaimsPrincipal by, Guid id, string? comment, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        comment = Comment(comment);
        var actor = AuditActor.From(by, clientIp);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await PendingBatchAsync(db, id, cancellationToken);
        Decide(batch, HeldBatchStatus.Cancelled, actor.Name, comment);
        var devices = await db.HeldCommands.AsNoTracking().Where(h => h.BatchId == id).Select(h => h.DeviceId).Distinct().Take(10_000).ToListAsync(cancellationToken);
        await audit.AppendAsync(db, actor, FleetActions.BatchCancelled, FleetActions.BatchTarget(batch.Id),
            new { batch = batch.Id, rules = batch.RuleIds, devices = batch.DeviceCount, commands = batch.CommandCount, deviceIds = devices, comment }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish();
    }

    private DateTime ExpiresAt(HeldBatch batch) => batch.HeldAtUtc + options.Value.ApprovalExpiry;

    private async Task<HeldBatchRow> RowAsync(MasqueDbContext db, HeldBatch batch, int commands, CancellationToken cancellationToken)
    {
        var types = await db.HeldCommands.AsNoTracking().Where(h => h.BatchId == batch.Id).GroupBy(h => h.Type)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var first = await (from h in db.HeldCommands
                           where h.BatchId == batch.Id
                           join d in db.Devices on h.DeviceId equals d.Id
                           orderby h.Id
                           select new HeldCommandRow(h.DeviceId, d.Owner, d.Model, h.Type, h.Payload, h.RuleId, h.Subject, h.Reason, h.HeldAtUtc))
            .AsNoTracking().Take(commands).ToListAsync(cancellationToken);
        return new HeldBatchRow(batch.Id, batch.RuleIds.Split(' ', StringSplitOptions.RemoveEmptyEntries), batch.Limit, batch.Reason, batch.Status, batch.HeldAtUtc, batch.LastHeldAtUtc, ExpiresAt(batch),
            batch.DeviceCount, batch.CommandCount, types.OrderByDescending(t => t.Count).Select(t => new CountBy(t.Key.ToString(), t.Count)).ToList(), first,
            batch.DecidedBy, batch.DecidedAtUtc, batch.DecisionComment, batch.QueuedCount);
    }

    private static async Task<HeldBatch> PendingBatchAsync(MasqueDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var batch = await db.HeldBatches.SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw DomainException.NotFound("No such held batch.");
        return batch.Status == HeldBatchStatus.Pending
            ? batch
            : throw DomainException.Conflict($"This batch was already {batch.Status.ToString().ToLowerInvariant()}{(batch.DecidedBy is null ? "" : $" by {batch.DecidedBy}")}.");
    }

    private void Decide(HeldBatch batch, HeldBatchStatus status, string by, string? comment)
    {
        batch.Status = status;
        batch.DecidedBy = by;
        batch.DecidedAtUtc = time.GetUtcNow().UtcDateTime;
        batch.DecisionComment = comment;
    }

    private static string? Comment(string? comment)
    {
        comment = comment?.Trim();
        return comment switch
        {
            null or { Length: 0 } => null,
            { Length: > MaxComment } => throw DomainException.Invalid($"The comment is longer than {MaxComment:N0} characters."),
            _ => comment,
        };
    }
}
