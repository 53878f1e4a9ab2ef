using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MasqueDashboard.Features.Demo;

/// <param name="Devices">Devices to add.</param>
/// <param name="AppsPerDevice">Installed apps per device (catalog apps first, then App Store apps).</param>
/// <param name="Events">Synthetic audit events to append (a valid chain).</param>
/// <param name="MasqueShare">Share of devices carrying a Masque build of a catalog app.</param>
public sealed record FleetSeed(int Devices, int AppsPerDevice = 40, int Events = 0, double MasqueShare = 0.02, int Seed = 2014);

public sealed record FleetSeedResult(int Devices, long DeviceApps, int Builds, long Events, TimeSpan Elapsed);

/// <summary>
/// Fills the database with realistic synthetic fleet data at scale (PRODUCT.md §10 <c>demo seed</c>): devices with
/// App Store and catalog apps, some carrying Masque builds, a check-in each, and optionally audit events with a
/// valid chain — in bulk, through prepared statements in large transactions, so 100,000 devices × 40 apps take
/// a minute or two. The compliance state is then computed by the real engine, not invented.
/// </summary>
public sealed class FleetSeeder(IDbContextFactory<MasqueDbContext> contexts, ICatalogView catalog, FleetCache cache, FleetReevaluation fleet, ComplianceEngine engine, TimeProvider time)
{
    public const string AttackerTeam = "EVIL123456";
    private const int Batch = 20_000;

    private static readonly string[] Models = ["iPhone 4S", "iPhone 5", "iPhone 5c", "iPhone 5s", "iPhone 6", "iPhone 6 Plus", "iPad 2", "iPad Air", "iPad mini"];

    private static readonly (string Version, int Weight)[] OsMix =
        [("6.1.4", 3), ("7.0.4", 6), ("7.0.6", 4), ("7.1", 8), ("7.1.1", 10), ("7.1.2", 16), ("8.0", 8), ("8.0.2", 12), ("8.1", 33)];

    private static readonly string[] FirstNames = ["alex", "sam", "pat", "jo", "chris", "kim", "lee", "max", "robin", "taylor", "jamie", "drew", "casey", "morgan", "jordan"];

    private static readonly string[] LastNames = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas", "moore", "martin", "lee", "white", "harris", "clark"];

    public async Task<FleetSeedResult> SeedAsync(FleetSeed seed, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Devices is < 0 or > 1_000_000 || seed.AppsPerDevice is < 0 or > 200 || seed.Events is < 0 or > 10_000_000 || seed.MasqueShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), "devices 0–1,000,000, apps per device 0–200, events 0–10,000,000, Masque share 0–1.");
        }

        var started = time.GetTimestamp();
        var random = new Random(seed.Seed);
        var snapshot = await catalog.GetSnapshotAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var builds = await EnsureBuildsAsync(snapshot, seed.AppsPerDevice, now, cancellationToken);
        progress?.Report($"{builds.Store.Count + builds.Catalog.Count + builds.Masque.Count} distinct builds ready.");

        long deviceApps = 0;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var connection = db.Database.GetDbConnection();
            var firstId = (await db.Devices.MaxAsync(d => (long?)d.Id, cancellationToken) ?? 0) + 1;
            for (var start = 0; start < seed.Devices; start += Batch)
            {
                var count = Math.Min(Batch, seed.Devices - start);
                await using var writer = await db.Database.BeginTransactionAsync(cancellationToken); // the writer lock, as every write takes it
                var transaction = writer.GetDbTransaction();
                await using var device = Prepare(connection, transaction,
                    """
                    INSERT INTO "Devices" ("Id", "Udid", "SerialNumber", "Model", "Owner", "OsVersion", "OsVersionKey", "Supervised", "ContainerEnabled", "Jailbroken",
                        "EnrolledAtUtc", "LastCheckInAtUtc", "LastSequence", "TokenHash", "Network", "Compliance", "ComplianceChangedAtUtc", "AppCount", "ProfilesJson")
                    VALUES (@id, @udid, @serial, @model, @owner, @os, @osKey, @supervised, @container, FALSE, @enrolled, @last, 1, @token, 'Allowed', 'Compliant', @enrolled, @apps, '[]')
                    """,
                    "@id", "@udid", "@serial", "@model", "@owner", "@os", "@osKey", "@supervised", "@container", "@enrolled", "@last", "@token", "@apps");
                await using var app = Prepare(connection, transaction, """INSERT INTO "DeviceApps" ("DeviceId", "AppBuildId") VALUES (@d, @b)""", "@d", "@b");
                await using var checkIn = Prepare(connection, transaction,
                    """INSERT INTO "DeviceCheckIns" ("DeviceId", "AtUtc", "Sequence", "AppCount", "Compliance") VALUES (@d, @at, 1, @apps, 'Compliant')""", "@d", "@at", "@apps");
                var installed = new HashSet<long>();
                for (var i = 0; i < count; i++)
                {
                    var id = firstId + start + i;
                    installed.Clear();
                    var masque = builds.Masque.Count > 0 && random.NextDouble() < seed.MasqueShare;
                    foreach (var build in builds.Catalog)
                    {
                        if (installed.Count < seed.AppsPerDevice)
                        {
                            installed.Add(build);
                        }
                    }

                    if (masque)
                    {
                        var which = random.Next(builds.Masque.Count);
                        installed.Remove(builds.Catalog[which % builds.Catalog.Count]);
                        installed.Add(builds.Masque[which]);
                    }

                    while (installed.Count < seed.AppsPerDevice && installed.Count < builds.Catalog.Count + builds.Store.Count)
                    {
                        installed.Add(builds.Store[random.Next(builds.Store.Count)]);
                    }

                    var os = Pick(random, OsMix);
                    var last = now.AddMinutes(-random.Next(0, 60 * 24 * 3));
                    var owner = $"{FirstNames[random.Next(FirstNames.Length)]}.{LastNames[random.Next(LastNames.Length)]}{id % 997}@corp.example";
                    Set(device, id, $"SEED-{seed.Seed}-{id:D10}-{random.Next():X8}", $"F{random.Next(100_000_000, 999_999_999)}", Models[random.Next(Models.Length)], owner, os,
                        OsVersions.Key(os), random.NextDouble() < 0.7, random.NextDouble() < 0.9, now.AddDays(-random.Next(30, 400)), last,
                        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), installed.Count);
                    await device.ExecuteNonQueryAsync(cancellationToken);
                    foreach (var build in installed)
                    {
                        Set(app, id, build);
                        await app.ExecuteNonQueryAsync(cancellationToken);
                    }

                    Set(checkIn, id, last, installed.Count);
                    await checkIn.ExecuteNonQueryAsync(cancellationToken);
                    deviceApps += installed.Count;
                }

                await writer.CommitAsync(cancellationToken);
                progress?.Report($"{start + count:N0} of {seed.Devices:N0} devices written.");
            }

            await Sql.FollowInsertedIdsAsync(db, "Devices", "Id", cancellationToken);
        }

        long events = seed.Events > 0 ? await AppendEventsAsync(seed.Events, random, now, progress, cancellationToken) : 0;
        cache.Invalidate();
        cache.ForgetBuilds();
        var evaluated = await fleet.ReevaluateAsync((IReadOnlyCollection<long>?)null, cancellationToken);
        progress?.Report($"Compliance evaluated by the engine: {evaluated.Changed:N0} of {evaluated.Evaluated:N0} devices are not clean.");
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await engine.SnapshotStatesAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new FleetSeedResult(seed.Devices, deviceApps, builds.Store.Count + builds.Catalog.Count + builds.Masque.Count, events, time.GetElapsedTime(started));
    }

    private sealed record BuildPool(List<long> Store, List<long> Catalog, List<long> Masque);

    /// <summary>The App Store builds (several versions each), the catalog's builds and one Masque build per catalog app.</summary>
    private async Task<BuildPool> EnsureBuildsAsync(CatalogSnapshot snapshot, int appsPerDevice, DateTime now, CancellationToken cancellationToken)
    {
        var wanted = new List<(DeviceContractService.ValidApp App, int Kind)>();
        var store = AppStoreApps.All;
        var versions = Math.Max(1, Math.Min(8, (appsPerDevice * 3 / store.Count) + 1));
        foreach (var (bundleId, name, team, signer) in store.Select(a => (a.BundleId, a.Name, a.TeamId!, a.SignerSha1)))
        {
            for (var v = 0; v < versions; v++)
            {
                wanted.Add((new(bundleId, name, $"{5 + v}.{v}", team, signer, "AppStore", "", "", false, null, null), 0));
            }

            // Store-only bundles beyond the well-known ones, so a device has 40 distinct apps to choose from.
            for (var extra = 0; extra < versions; extra++)
            {
                var id = $"{bundleId}.companion{extra}";
                wanted.Add((new(id, $"{name} Companion {extra}", "1.0", team, null, "AppStore", "", "", false, null, null), 0));
            }
        }

        var attackerProfile = Fleet.Simulator.SimulatedProfile.InHouse("iOS In-House Distribution", AttackerTeam, now).Uuid;
        foreach (var app in snapshot.PublishedApps)
        {
            // The genuine build is the one the catalog published (version, signer, profile when the scan saw them).
            var published = snapshot.PublishedBuilds.Where(b => b.BundleId == app.BundleId).OrderByDescending(b => b.SignerSha1s.Count).FirstOrDefault();
            var version = published?.Version ?? "1.0";
            var signer = (published is { SignerSha1s.Count: > 0 } ? published.SignerSha1s[0] : null) ?? Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(app.TeamId + app.BundleId)));
            wanted.Add((new(app.BundleId, app.Name, version, app.TeamId, signer, "Enterprise", string.Join(' ', app.UrlSchemes), "", true, published?.ProfileUuid, null), 1));
            // The impostor is not managed (the user installed it): its lever is the attacker's provisioning profile.
            wanted.Add((new(app.BundleId, app.Name, Fleet.Simulator.Scenarios.ImpostorVersion(version), AttackerTeam, "e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7", "Enterprise", "", "",
                false, attackerProfile, null), 2));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = wanted.Select(w => DeviceContractService.BuildKey(w.App)).ToList();
        var existing = (await db.AppBuilds.AsNoTracking().Where(b => keys.Contains(b.Key)).Select(b => new { b.Key, b.Id }).ToListAsync(cancellationToken)).ToDictionary(b => b.Key, b => b.Id);
        var added = new List<(AppBuild Build, int Kind)>();
        for (var i = 0; i < wanted.Count; i++)
        {
            if (!existing.ContainsKey(keys[i]))
            {
                var a = wanted[i].App;
                var build = new AppBuild
                {
                    Key = keys[i], BundleId = a.BundleId, Name = a.Name, Version = a.Version, TeamId = a.TeamId, SignerSha1 = a.SignerSha1, Distribution = a.Distribution,
                    UrlSchemes = a.UrlSchemes, Extensions = a.Extensions, Managed = a.Managed, ProfileUuid = a.ProfileUuid, Sha256 = a.Sha256, FirstSeenUtc = now,
                };
                db.AppBuilds.Add(build);
                added.Add((build, wanted[i].Kind));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (build, _) in added)
        {
            existing[build.Key] = build.Id;
        }

        var pool = new BuildPool([], [], []);
        for (var i = 0; i < wanted.Count; i++)
        {
            (wanted[i].Kind switch { 0 => pool.Store, 1 => pool.Catalog, _ => pool.Masque }).Add(existing[keys[i]]);
        }

        return pool;
    }

    /// <summary>Synthetic console and fleet history chained after the current head, spread over the last 90 days.</summary>
    private async Task<long> AppendEventsAsync(int count, Random random, DateTime now, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        string[] actors = ["admin@masque.test", "admin2@masque.test", "auditor@masque.test", "reviewer@masque.test", "developer@masque.test", "system"];
        string[] actions = [AuditActions.LoginSucceeded, AuditActions.LoginSucceeded, AuditActions.LoginSucceeded, AuditActions.LoginFailed, FleetActions.CommandQueued, FleetActions.NonCompliant, FleetActions.Compliant, AuditActions.SignedOut];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditChain.GenesisHash;
        var from = now.AddDays(-90);
        var step = TimeSpan.FromDays(90).Ticks / Math.Max(1, count);
        for (var start = 0; start < count; start += Batch * 5)
        {
            var n = Math.Min(Batch * 5, count - start);
            await using var writer = await db.Database.BeginTransactionAsync(cancellationToken); // the writer lock, as every write takes it
                var transaction = writer.GetDbTransaction();
            await using var insert = Prepare(connection, transaction,
                """
                INSERT INTO "AuditEvents" ("Sequence", "OccurredAtUtc", "Actor", "ActorId", "Action", "Target", "Details", "ClientIp", "PreviousHash", "Hash")
                VALUES (@s, @t, @a, NULL, @act, @target, @d, @ip, @p, @h)
                """,
                "@s", "@t", "@a", "@act", "@target", "@d", "@ip", "@p", "@h");
            for (var i = 0; i < n; i++)
            {
                var action = actions[random.Next(actions.Length)];
                var e = new AuditEvent
                {
                    Sequence = ++sequence,
                    OccurredAtUtc = AuditChain.ToStoredTime(new DateTimeOffset(from.AddTicks(step * (start + i)), TimeSpan.Zero)),
                    Actor = action.StartsWith("auth.", StringComparison.Ordinal) ? actors[random.Next(actors.Length - 1)] : "system",
                    Action = action,
                    Target = action.StartsWith("auth.", StringComparison.Ordinal) ? null : FleetActions.Target(random.Next(1, 100_000)),
                    Details = "{\"synthetic\":true}",
                    ClientIp = string.Create(CultureInfo.InvariantCulture, $"10.{random.Next(0, 4)}.{random.Next(0, 255)}.{random.Next(1, 255)}"),
                    PreviousHash = previous,
                    Hash = "",
                };
                e.Hash = AuditChain.ComputeHash(previous, e);
                previous = e.Hash;
                Set(insert, e.Sequence, e.OccurredAtUtc, e.Actor, e.Action, e.Target, e.Details, e.ClientIp, e.PreviousHash, e.Hash);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await writer.CommitAsync(cancellationToken);
            progress?.Report($"{start + n:N0} of {count:N0} audit events written.");
        }

        return count;
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
        }

        return command;
    }

    /// <summary>Sets the parameters in order; the first time, prepares the command (PostgreSQL types parameters from their first values).</summary>
    private static void Set(DbCommand command, params object?[] values)
    {
        var first = command.Parameters.Count > 0 && command.Parameters[0].Value is null;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] switch
            {
                null => DBNull.Value,
                var v => v,
            };
        }

        if (first)
        {
            command.Prepare();
        }
    }

    private static string Pick(Random random, (string Version, int Weight)[] mix)
    {
        var roll = random.Next(mix.Sum(m => m.Weight));
        foreach (var (version, weight) in mix)
        {
            if ((roll -= weight) < 0)
            {
                return version;
            }
        }

        return mix[^1].Version;
    }
}
