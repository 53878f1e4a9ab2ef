using System.Collections.Concurrent;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Compliance;

/// <summary>What every evaluation reads: the snapshot, the current policies and each build's verdict, judged once.</summary>
public sealed class FleetState(FleetSnapshot snapshot, PolicyDocument policies, int policyVersion)
{
    private const int MaxVerdicts = 200_000;
    private readonly ConcurrentDictionary<long, IReadOnlyList<ViolationFact>> verdicts = new();

    public FleetSnapshot Snapshot { get; } = snapshot;

    public PolicyDocument Policies { get; } = policies;

    public int PolicyVersion { get; } = policyVersion;

    /// <summary>The rules a build fails, judged once per build and state (nothing when <c>no-masque-apps</c> is off).</summary>
    public IReadOnlyList<ViolationFact> Judge(AppBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (!Policies[PolicyIds.NoMasqueApps].Enabled)
        {
            return [];
        }

        if (verdicts.TryGetValue(build.Id, out var known))
        {
            return known;
        }

        var verdict = DeviceRules.Judge(build, Snapshot);
        if (verdicts.Count < MaxVerdicts && build.Id > 0)
        {
            verdicts.TryAdd(build.Id, verdict);
        }

        return verdict;
    }

    public FleetState WithSnapshot(FleetSnapshot other) => new(other, Policies, PolicyVersion);
}

/// <summary>
/// Keeps the fleet's evaluation inputs in memory so a check-in costs no catalog queries. A copy is used only while the
/// fleet's <see cref="StateStamp"/> is the one it was loaded under: every catalog, signer, known-bad or policy change
/// renews the stamp in its own transaction (<see cref="MasqueDbContext"/>), so a change made on any instance (or by a
/// command-line verb) is applied on this instance's very next check-in. <see cref="Invalidate"/> drops the copy at
/// once. Also remembers build ids by key.
/// </summary>
public sealed class FleetCache(IDbContextFactory<MasqueDbContext> contexts, ICatalogView catalog)
{
    private const int MaxBuilds = 200_000;
    private readonly ConcurrentDictionary<string, AppBuild> builds = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private Task<FleetState>? current;
    private Guid currentStamp;

    public async Task<FleetState> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GetAsync(db, cancellationToken);
    }

    /// <summary>As <see cref="GetAsync(CancellationToken)"/>, comparing stamps through <paramref name="db"/> (inside its transaction, if any).</summary>
    public async Task<FleetState> GetAsync(MasqueDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stamp = await db.StateStamps.AsNoTracking().Where(s => s.Name == StateStamp.Fleet).Select(s => s.Stamp).FirstOrDefaultAsync(cancellationToken);
        Task<FleetState> state;
        lock (gate)
        {
            if (current is null || current.IsFaulted || current.IsCanceled || currentStamp != stamp)
            {
                current = LoadAsync(CancellationToken.None); // shared by every caller: one caller's cancellation must not fail the others
                currentStamp = stamp; // read before loading: a change committed meanwhile renews it again
            }

            state = current;
        }

        return await state;
    }

    public void Invalidate()
    {
        lock (gate)
        {
            current = null;
        }
    }

    public bool TryGetBuild(string key, out AppBuild build) => builds.TryGetValue(key, out build!);

    public void Remember(AppBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (builds.Count >= MaxBuilds)
        {
            builds.Clear();
        }

        builds[build.Key] = build;
    }

    /// <summary>Forgets remembered builds (tests and the demo seeder rewrite the tables underneath).</summary>
    public void ForgetBuilds() => builds.Clear();

    private async Task<FleetState> LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = new FleetSnapshot(await catalog.GetSnapshotAsync(cancellationToken));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(cancellationToken);
        return latest is null
            ? new FleetState(snapshot, PolicyDocument.Default, 0)
            : new FleetState(snapshot, PolicyDocument.Deserialize(latest.Document), latest.Version);
    }
}
