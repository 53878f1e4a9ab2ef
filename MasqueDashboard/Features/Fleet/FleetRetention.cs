using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Fleet;

/// <summary>The <c>Fleet:Retention</c> section.</summary>
public sealed class FleetRetentionOptions
{
    public const string Section = "Fleet:Retention";

    /// <summary>Check-in history older than this is pruned (a device's latest state stays on the device itself).</summary>
    public TimeSpan CheckIns { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often pruning runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Bounded history (PRODUCT.md §7): check-in rows older than <see cref="FleetRetentionOptions.CheckIns"/> are pruned,
/// in short transactions so check-ins arriving meanwhile wait at most one chunk. What a device is now — its facts,
/// network, compliance, last check-in and sequence, installed apps and violations — lives on the device's own rows
/// and is never pruned; neither are commands, one row each holding its final outcome, whose number grows with the
/// actions taken, not with time. A 100,000-device fleet checking in every 15 minutes thus keeps about a day of
/// check-ins (9.6 million rows) however long it runs (<c>bench fleet</c> measures a simulated week).
/// </summary>
public sealed partial class FleetRetention(IDbContextFactory<MasqueDbContext> contexts, IOptions<FleetRetentionOptions> options, TimeProvider time, ILogger<FleetRetention> logger)
{
    /// <summary>Rows removed per transaction.</summary>
    public const int Chunk = 50_000;

    /// <summary>Removes check-ins older than the retention period; returns how many.</summary>
    public Task<long> PruneAsync(CancellationToken cancellationToken = default) =>
        PruneBeforeAsync(time.GetUtcNow().UtcDateTime - options.Value.CheckIns, cancellationToken);

    /// <summary>Removes check-ins before <paramref name="cutoff"/> (<c>bench fleet</c> replays a week of days through this).</summary>
    internal async Task<long> PruneBeforeAsync(DateTime cutoff, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var through = await db.DeviceCheckIns.Where(c => c.AtUtc < cutoff).MaxAsync(c => (long?)c.Id, cancellationToken);
        if (through is null)
        {
            return 0;
        }

        var from = await db.DeviceCheckIns.MinAsync(c => c.Id, cancellationToken);
        long pruned = 0;
        for (var low = from; low <= through; low += Chunk)
        {
            var high = Math.Min(through.Value, low + Chunk - 1);
            // Ids grow with time, so a window of ids below the newest expired one is (almost) all expired; the time
            // test keeps any row in it that is not.
            pruned += await db.Database.ExecuteSqlAsync(
                $"""DELETE FROM "DeviceCheckIns" WHERE "Id" >= {low} AND "Id" <= {high} AND "AtUtc" < {DateTime.SpecifyKind(cutoff, DateTimeKind.Utc)}""", cancellationToken);
        }

        if (pruned > 0)
        {
            LogPruned(logger, pruned, cutoff);
        }

        return pruned;
    }

    /// <summary>One scheduled run (<c>Fleet:Retention:Interval</c>, on one instance of the cluster), logged.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PruneAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet retention pruned {Count} check-ins older than {Cutoff:u}")]
    private static partial void LogPruned(ILogger logger, long count, DateTime cutoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fleet retention failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
