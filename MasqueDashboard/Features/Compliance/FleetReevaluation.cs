using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Compliance;

/// <summary>What changed in the catalog or the signer registry: the devices that carry a matching build are re-evaluated.</summary>
public sealed record CatalogChange(
    IReadOnlyCollection<string> BundleIds,
    IReadOnlyCollection<string> UrlSchemes,
    IReadOnlyCollection<string> TeamIds,
    IReadOnlyCollection<string> CertificateSha1s,
    IReadOnlyCollection<string>? PackageSha256s = null)
{
    public static CatalogChange ForPackage(string sha256) => new([], [], [], [], [sha256]);

    public static CatalogChange ForApp(string bundleId, IEnumerable<string> urlSchemes) => new([bundleId], urlSchemes.ToList(), [], []);

    public static CatalogChange ForTeam(string teamId) => new([], [], [teamId], []);

    public static CatalogChange ForCertificate(string sha1) => new([], [], [], [sha1]);

    public static CatalogChange Everything { get; } = new(["*"], [], [], []);

    public bool IsEverything => BundleIds.Contains("*");
}

/// <param name="Evaluated">Devices evaluated.</param>
/// <param name="Changed">Devices whose violations, commands or state changed.</param>
public sealed record ReevaluationResult(int Evaluated, int Changed, TimeSpan Elapsed);

/// <summary>
/// Re-evaluates many devices at once (PRODUCT.md §7): after a policy, catalog or signer change, only the devices the
/// change can affect, found by indexed queries; a build is judged once however many devices carry it.
/// </summary>
public sealed class FleetReevaluation(IDbContextFactory<MasqueDbContext> contexts, FleetCache cache, ComplianceEngine engine, FleetNotifier notifier, TimeProvider time)
{
    public const int BatchSize = 2_000;

    /// <summary>The devices carrying a build that <paramref name="change"/> names (bundle id, URL scheme, team or certificate), or reporting a profile of a named team.</summary>
    public static async Task<List<long>> AffectedDevicesAsync(MasqueDbContext db, CatalogChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        var bundleIds = change.BundleIds.ToList();
        var teams = change.TeamIds.ToList();
        var certs = change.CertificateSha1s.ToList();
        var packages = (change.PackageSha256s ?? []).ToList();
        var builds = await db.AppBuilds.AsNoTracking()
            .Where(b => bundleIds.Contains(b.BundleId) || (b.TeamId != null && teams.Contains(b.TeamId)) || (b.SignerSha1 != null && certs.Contains(b.SignerSha1))
                || (b.Sha256 != null && packages.Contains(b.Sha256)))
            .Select(b => b.Id).ToListAsync(cancellationToken);
        if (change.UrlSchemes.Count > 0)
        {
            var schemes = change.UrlSchemes.Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            var withSchemes = await db.AppBuilds.AsNoTracking().Where(b => b.UrlSchemes != "").Select(b => new { b.Id, b.UrlSchemes }).ToListAsync(cancellationToken);
            builds.AddRange(withSchemes.Where(b => b.UrlSchemes.Split(' ').Any(s => schemes.Contains(s.ToLowerInvariant()))).Select(b => b.Id));
        }

        var devices = await db.DeviceApps.AsNoTracking().Where(a => builds.Contains(a.AppBuildId)).Select(a => a.DeviceId).Distinct().ToListAsync(cancellationToken);
        if (bundleIds.Count > 0)
        {
            // A profile reported without a team is judged by whether a published build embeds it: publishing or
            // retiring an app changes that for the devices reporting its builds' profiles.
            var profiles = await (from v in db.CatalogAppVersions
                                  join a in db.CatalogApps on v.CatalogAppId equals a.Id
                                  join sub in db.Submissions on v.SubmissionId equals sub.Id
                                  where bundleIds.Contains(a.BundleId) && sub.ProfileUuid != null
                                  select sub.ProfileUuid!).Distinct().Take(1_000).ToListAsync(cancellationToken);
            foreach (var uuid in profiles)
            {
                var pattern = $"%\"uuid\":\"{uuid}\"%";
                devices.AddRange(await db.Devices.AsNoTracking().Where(d => EF.Functions.Like(d.ProfilesJson, pattern)).Select(d => d.Id).ToListAsync(cancellationToken));
            }
        }

        foreach (var team in teams)
        {
            var pattern = $"%\"teamId\":\"{team}\"%";
            devices.AddRange(await db.Devices.AsNoTracking().Where(d => EF.Functions.Like(d.ProfilesJson, pattern)).Select(d => d.Id).ToListAsync(cancellationToken));
        }

        return devices.Distinct().ToList();
    }

    /// <summary>Re-evaluates the devices affected by a catalog or signer change, after it committed.</summary>
    public async Task<ReevaluationResult> ReevaluateAsync(CatalogChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        cache.Invalidate();
        if (change.IsEverything)
        {
            return await ReevaluateAsync((IReadOnlyCollection<long>?)null, cancellationToken);
        }

        List<long> devices;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            devices = await AffectedDevicesAsync(db, change, cancellationToken);
        }

        return await ReevaluateAsync(devices, cancellationToken);
    }

    /// <summary>Re-evaluates <paramref name="deviceIds"/> (null: the whole fleet) in batches, each in its own transaction.</summary>
    public async Task<ReevaluationResult> ReevaluateAsync(IReadOnlyCollection<long>? deviceIds, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var state = await cache.GetAsync(cancellationToken);
        var evaluated = 0;
        var changed = 0;
        if (deviceIds is { Count: 0 })
        {
            return new(0, 0, time.GetElapsedTime(started));
        }

        var flagged = await FlaggedBuildsAsync(state, cancellationToken);
        ILookup<long, long> carried;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            carried = await CarriedAsync(db, flagged, cancellationToken);
        }

        if (deviceIds is null)
        {
            long after = 0;
            while (true)
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var batch = await db.Devices.AsNoTracking().Where(d => d.Id > after).OrderBy(d => d.Id).Select(d => d.Id).Take(BatchSize).ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                after = batch[^1];
                var (e, c) = await EvaluateBatchAsync(db, batch, state, flagged, carried, null, cancellationToken, range: true);
                evaluated += e;
                changed += c;
            }
        }
        else
        {
            foreach (var batch in deviceIds.Order().Chunk(BatchSize))
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var (e, c) = await EvaluateBatchAsync(db, batch, state, flagged, carried, null, cancellationToken);
                evaluated += e;
                changed += c;
            }
        }

        if (changed > 0)
        {
            notifier.Publish();
        }

        return new(evaluated, changed, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Evaluates <paramref name="deviceIds"/> inside <paramref name="db"/>'s open transaction (a revocation uses this with
    /// a snapshot that already counts the certificate as revoked). Returns (evaluated, changed).
    /// </summary>
    public async Task<(int Evaluated, int Changed)> EvaluateInTransactionAsync(MasqueDbContext db, IReadOnlyCollection<long> deviceIds, FleetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(state);
        var flagged = await FlaggedBuildsAsync(state, cancellationToken);
        var carried = await CarriedAsync(db, flagged, cancellationToken);
        var evaluated = 0;
        var changed = 0;
        foreach (var batch in deviceIds.Order().Chunk(BatchSize))
        {
            var (e, c) = await EvaluateBatchAsync(db, batch, state, flagged, carried, db.Database.CurrentTransaction, cancellationToken);
            evaluated += e;
            changed += c;
        }

        return (evaluated, changed);
    }

    private async Task<Dictionary<long, IReadOnlyList<ViolationFact>>> FlaggedBuildsAsync(FleetState state, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var flagged = new Dictionary<long, IReadOnlyList<ViolationFact>>();
        await foreach (var build in db.AppBuilds.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var verdict = state.Judge(build);
            if (verdict.Count > 0)
            {
                flagged[build.Id] = verdict;
            }
        }

        return flagged;
    }

    /// <summary>Which device carries which flagged build: found through the index on <c>DeviceApp.AppBuildId</c>, once per run.</summary>
    private static async Task<ILookup<long, long>> CarriedAsync(MasqueDbContext db, Dictionary<long, IReadOnlyList<ViolationFact>> flagged, CancellationToken cancellationToken)
    {
        var flaggedIds = flagged.Keys.ToList();
        var pairs = flaggedIds.Count == 0
            ? []
            : await db.DeviceApps.AsNoTracking().Where(a => flaggedIds.Contains(a.AppBuildId)).Select(a => new { a.DeviceId, a.AppBuildId }).ToListAsync(cancellationToken);
        return pairs.ToLookup(a => a.DeviceId, a => a.AppBuildId);
    }

    /// <param name="range">True when <paramref name="ids"/> are every device between the first and the last: read by key range.</param>
    private async Task<(int Evaluated, int Changed)> EvaluateBatchAsync(MasqueDbContext db, IReadOnlyList<long> ids, FleetState state,
        Dictionary<long, IReadOnlyList<ViolationFact>> flagged, ILookup<long, long> carriedBy, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? outer,
        CancellationToken cancellationToken, bool range = false)
    {
        var transaction = outer ?? await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Read without tracking: most devices are settled (nothing to change) and are never attached.
            var (first, last) = (ids[0], ids[^1]);
            var devices = await (range ? db.Devices.Where(d => d.Id >= first && d.Id <= last) : db.Devices.Where(d => ids.Contains(d.Id))).AsNoTracking().ToListAsync(cancellationToken);
            var violations = (await (range ? db.DeviceViolations.Where(v => v.DeviceId >= first && v.DeviceId <= last) : db.DeviceViolations.Where(v => ids.Contains(v.DeviceId)))
                .AsNoTracking().ToListAsync(cancellationToken)).ToLookup(v => v.DeviceId);
            var commands = range
                ? db.DeviceCommands.Where(c => c.DeviceId >= first && c.DeviceId <= last)
                : db.DeviceCommands.Where(c => ids.Contains(c.DeviceId));
            var pending = (await commands.Where(c => c.Status == CommandStatus.Queued || c.Status == CommandStatus.Sent).AsNoTracking()
                .OrderBy(c => c.Number).ToListAsync(cancellationToken)).ToLookup(c => c.DeviceId);
            var now = time.GetUtcNow().UtcDateTime;
            var changed = 0;
            foreach (var device in devices)
            {
                var failing = DeviceRules.Judge(DeviceFacts.Of(device), state.Policies, state.Snapshot, now)
                    .Concat(carriedBy[device.Id].SelectMany(id => flagged[id]))
                    .ToList();
                var existing = violations[device.Id].ToList();
                if (existing.Count == 0 && failing.Count == 0 && device.Compliance == ComplianceState.Compliant)
                {
                    continue; // the common case: clean then, clean now
                }

                var own = pending[device.Id].ToList();
                if (ComplianceEngine.IsSettled(device, failing, existing, own, state.Policies, now))
                {
                    continue;
                }

                db.Devices.Attach(device);
                db.DeviceViolations.AttachRange(existing);
                db.DeviceCommands.AttachRange(own);
                var outcome = await engine.ApplyAsync(db, device, failing, state.Policies, existing, own, cancellationToken);
                if (outcome.Changed)
                {
                    changed++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            if (outer is null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return (devices.Count, changed);
        }
        finally
        {
            if (outer is null)
            {
                await transaction.DisposeAsync();
            }
        }
    }
}
