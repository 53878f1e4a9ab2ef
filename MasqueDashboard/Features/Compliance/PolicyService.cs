using System.Security.Claims;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Compliance;

public sealed record PolicyHistoryRow(int Version, string ChangedBy, DateTime ChangedAtUtc, string Comment);

public sealed record PolicySet(int Version, PolicyDocument Document, IReadOnlyList<PolicyHistoryRow> History);

/// <param name="Version">The version just saved.</param>
/// <param name="Reevaluation">The devices the change could affect, re-evaluated.</param>
public sealed record PolicyUpdate(int Version, ReevaluationResult Reevaluation);

/// <summary>The compliance policies (PRODUCT.md §7): EMM administrators edit them; every version is kept and every change audited.</summary>
public sealed class PolicyService(
    IDbContextFactory<MasqueDbContext> contexts,
    IAuthorizationService authorization,
    IAuditLog audit,
    FleetCache cache,
    FleetReevaluation fleet,
    TimeProvider time)
{
    public async Task<PolicySet> GetAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var history = await db.PolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).Take(100).ToListAsync(cancellationToken);
        return history.Count == 0
            ? new PolicySet(0, PolicyDocument.Default, [])
            : new PolicySet(history[0].Version, PolicyDocument.Deserialize(history[0].Document),
                history.Select(h => new PolicyHistoryRow(h.Version, h.ChangedBy, h.ChangedAtUtc, h.Comment)).ToList());
    }

    /// <summary>Saves a new version, unless someone saved one since <paramref name="basedOnVersion"/>; then re-evaluates the devices it can affect.</summary>
    public async Task<PolicyUpdate> UpdateAsync(ClaimsPrincipal by, PolicyDocument document, int basedOnVersion, string? comment, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        document.Validate();
        comment = (comment ?? "").Trim();
        if (comment.Length is 0 or > 1000)
        {
            throw DomainException.Invalid("Say what changes and why (1 to 1,000 characters): it goes into the audit trail.");
        }

        var actor = AuditActor.From(by, clientIp);
        PolicyDocument previous;
        int version;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(cancellationToken);
            if ((latest?.Version ?? 0) != basedOnVersion)
            {
                throw DomainException.Conflict($"Someone saved version {latest?.Version} while you were editing version {basedOnVersion}: reload and apply your change again.");
            }

            previous = latest is null ? PolicyDocument.Default : PolicyDocument.Deserialize(latest.Document);
            version = basedOnVersion + 1;
            var serialized = document.Serialize();
            db.PolicyVersions.Add(new PolicyVersion { Version = version, Document = serialized, ChangedBy = actor.Name, ChangedAtUtc = time.GetUtcNow().UtcDateTime, Comment = comment });
            await audit.AppendAsync(db, actor, FleetActions.PolicyUpdated, $"policies:v{version}",
                new { version, comment, changed = Changed(previous, document), document = System.Text.Json.JsonDocument.Parse(serialized).RootElement }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        cache.Invalidate();
        List<long> affected;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            affected = await AffectedAsync(db, previous, document, cancellationToken);
        }

        return new PolicyUpdate(version, await fleet.ReevaluateAsync(affected, cancellationToken));
    }

    private static List<string> Changed(PolicyDocument before, PolicyDocument after) =>
        after.Policies.Where(p => !Same(before[p.Id], p)).Select(p => p.Id).ToList();

    private static bool Same(Policy a, Policy b) =>
        a.Enabled == b.Enabled && a.Setting == b.Setting && a.Ladder.Count == b.Ladder.Count
        && a.Ladder.Zip(b.Ladder).All(s => s.First.After == s.Second.After && s.First.Actions.SequenceEqual(s.Second.Actions));

    /// <summary>Only the devices a changed policy can affect: those it could now flag, and those it flags today.</summary>
    private async Task<List<long>> AffectedAsync(MasqueDbContext db, PolicyDocument before, PolicyDocument after, CancellationToken cancellationToken)
    {
        var devices = new HashSet<long>();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var id in Changed(before, after))
        {
            var policyId = id;
            devices.UnionWith(await db.DeviceViolations.AsNoTracking().Where(v => v.PolicyId == policyId).Select(v => v.DeviceId).Distinct().ToListAsync(cancellationToken));
            IQueryable<Device> candidates = db.Devices.AsNoTracking();
            switch (id)
            {
                case PolicyIds.MinimumOs:
                    var key = Math.Max(before.MinimumOsKey, after.MinimumOsKey);
                    candidates = candidates.Where(d => d.OsVersionKey < key);
                    break;
                case PolicyIds.Supervised:
                    candidates = candidates.Where(d => !d.Supervised);
                    break;
                case PolicyIds.Container:
                    candidates = candidates.Where(d => !d.ContainerEnabled);
                    break;
                case PolicyIds.NotJailbroken:
                    candidates = candidates.Where(d => d.Jailbroken);
                    break;
                case PolicyIds.CheckIn:
                    var days = new[] { before.CheckInWithin, after.CheckInWithin }.Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(TimeSpan.Zero).Min();
                    var cutoff = now - days;
                    candidates = candidates.Where(d => d.LastCheckInAtUtc < cutoff);
                    break;
                case PolicyIds.NoMasqueApps:
                    var snapshot = (await cache.GetAsync(cancellationToken)).Snapshot;
                    var builds = (await db.AppBuilds.AsNoTracking().ToListAsync(cancellationToken)).Where(b => DeviceRules.Judge(b, snapshot).Count > 0).Select(b => b.Id).ToList();
                    candidates = candidates.Where(d => d.ProfilesJson != "[]" || db.DeviceApps.Any(a => a.DeviceId == d.Id && builds.Contains(a.AppBuildId)));
                    break;
            }

            devices.UnionWith(await candidates.Select(d => d.Id).ToListAsync(cancellationToken));
        }

        return devices.ToList();
    }
}
