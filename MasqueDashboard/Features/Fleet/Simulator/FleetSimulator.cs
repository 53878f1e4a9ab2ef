using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Fleet.Simulator;

public enum SimulatorState
{
    /// <summary><c>Fleet:Simulator:Enabled</c> is false.</summary>
    Off,

    /// <summary>Enabled; the fleet has not been made yet.</summary>
    NotStarted,

    Starting,

    /// <summary>Enabled but idle: there is no <c>Fleet:EnrollmentSecret</c> to enrol with.</summary>
    NoEnrollmentSecret,

    Running,
}

/// <param name="Mode">"In-process" or "HTTP".</param>
/// <param name="Target">The instance checked in with over HTTP.</param>
/// <param name="Enrolled">Devices holding a device token.</param>
/// <param name="CheckInsSent">Check-ins the server answered.</param>
/// <param name="Errors">Enrolments and check-ins that failed.</param>
public sealed record SimulatorStatus(
    bool Enabled,
    SimulatorState State,
    string Mode,
    Uri? Target,
    int Devices,
    int Enrolled,
    TimeSpan CheckInInterval,
    int Seed,
    long Rounds,
    DateTime? LastRoundAtUtc,
    TimeSpan? LastRoundDuration,
    long CheckInsSent,
    long Errors,
    string? LastError);

/// <param name="Devices">Devices asked to check in.</param>
/// <param name="Succeeded">Check-ins the server answered.</param>
public sealed record RoundResult(int Devices, int Succeeded, int Failed, TimeSpan Elapsed);

/// <summary>
/// The simulated fleet of PRODUCT.md §6, a client of the device contract. When <c>Fleet:Simulator:Enabled</c> it enrols
/// <c>DeviceCount</c> devices (UDIDs from <c>Seed</c>, so a restart re-enrols the same devices with new tokens) and checks
/// each in every <c>CheckInInterval</c>, spread evenly over the interval, never more than <see cref="MaxConcurrency"/>
/// conversations at once. Devices obey the commands they are given and answer them in their next check-in.
/// </summary>
public sealed partial class FleetSimulator(
    IDeviceChannel channel,
    ICatalogView catalog,
    IDbContextFactory<MasqueDbContext> contexts,
    IOptions<FleetOptions> options,
    IHostApplicationLifetime host,
    TimeProvider time,
    ILogger<FleetSimulator> logger) : BackgroundService
{
    /// <summary>Conversations with the server in flight at once, across rounds, scenarios and enrolments.</summary>
    public const int MaxConcurrency = 8;

    /// <summary>The most devices one scenario may touch.</summary>
    public const int MaxScenarioDevices = 1_000;

    private readonly SemaphoreSlim concurrency = new(MaxConcurrency, MaxConcurrency);
    private readonly CancellationTokenSource lifetime = new();
    private readonly Lock gate = new();
    private Task<bool>? start;
    private volatile IReadOnlyList<SimulatedDevice> devices = [];
    private SimulatorState state = SimulatorState.NotStarted;
    private int triggers;
    private int disposed;
    private long rounds;
    private long checkInsSent;
    private long errors;
    private string? lastError;
    private DateTime? lastRoundAtUtc;
    private TimeSpan? lastRoundDuration;

    private SimulatorOptions Settings => options.Value.Simulator;

    public bool Enabled => Settings.Enabled == true;

    /// <summary>The devices as they are now.</summary>
    public IReadOnlyList<SimulatedDeviceView> Devices => devices.Select(d => d.Snapshot()).ToList();

    public SimulatorStatus Status
    {
        get
        {
            var current = devices;
            lock (gate)
            {
                return new(Enabled, Enabled ? state : SimulatorState.Off, channel.Mode, channel.Target, current.Count, current.Count(d => d.IsEnrolled),
                    Settings.CheckInInterval, Settings.Seed, Interlocked.Read(ref rounds), lastRoundAtUtc, lastRoundDuration,
                    Interlocked.Read(ref checkInsSent), Interlocked.Read(ref errors), lastError);
            }
        }
    }

    /// <summary>
    /// Makes the fleet and enrols it, once (later calls wait for the same start). False when there is no enrolment
    /// secret: the simulator stays idle and says so.
    /// </summary>
    public Task<bool> EnsureStartedAsync(CancellationToken cancellationToken = default)
    {
        RequireEnabled();
        lock (gate)
        {
            if (start is null || start.IsFaulted || start.IsCanceled)
            {
                start = StartFleetAsync(lifetime.Token);
            }

            return start.WaitAsync(cancellationToken);
        }
    }

    /// <summary>One round: every device checks in once (with bounded concurrency, not spread over time), awaited.</summary>
    public async Task<RoundResult> CheckInAllAsync(CancellationToken cancellationToken = default)
    {
        var fleet = await RunningFleetAsync(cancellationToken);
        var started = time.GetTimestamp();
        await OfferCatalogAppsAsync(fleet, cancellationToken);
        var succeeded = 0;
        await Parallel.ForEachAsync(fleet, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            if (await CheckInAsync(device, ct) is not null)
            {
                Interlocked.Increment(ref succeeded);
            }
        });
        var elapsed = time.GetElapsedTime(started);
        RoundCompleted(elapsed);
        return new RoundResult(fleet.Count, succeeded, fleet.Count - succeeded, elapsed);
    }

    /// <summary>
    /// Sets <paramref name="scenario"/> loose on up to <paramref name="count"/> eligible devices, chosen at random (from the
    /// seed), then has those devices check in at once so that the server judges them now.
    /// </summary>
    public async Task<ScenarioResult> TriggerAsync(Scenario scenario, int count, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(scenario))
        {
            throw DomainException.Invalid("Unknown scenario.");
        }

        if (count is < 1 or > MaxScenarioDevices)
        {
            throw DomainException.Invalid($"Choose between 1 and {MaxScenarioDevices:N0} devices.");
        }

        var fleet = await RunningFleetAsync(cancellationToken);
        var (snapshot, catalogApps) = await LoadCatalogAsync(cancellationToken);
        var plan = Scenarios.Plan(scenario, snapshot, catalogApps, time.GetUtcNow().UtcDateTime);
        var random = new Random(unchecked((Settings.Seed * 31) + Interlocked.Increment(ref triggers)));
        var eligible = fleet.Where(d => d.IsEnrolled && plan.IsEligible(d)).ToArray();
        random.Shuffle(eligible);
        var targets = eligible.OrderByDescending(plan.IsPreferred).Take(count).ToList();
        if (targets.Count == 0)
        {
            return new ScenarioResult(scenario, count, [], $"{Scenarios.Title(scenario)}: no enrolled device is eligible (all already affected?).", [], 0, 0, 0);
        }

        foreach (var device in targets)
        {
            await device.Gate.WaitAsync(cancellationToken);
            try
            {
                plan.Apply(device);
            }
            finally
            {
                device.Gate.Release();
            }
        }

        var responses = new CheckInResponse?[targets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => responses[i] = await CheckInAsync(targets[i], ct));

        var answered = responses.OfType<CheckInResponse>().ToList();
        var rules = plan.ExpectedRules.Where(r => answered.Any(a => a.Violations.Any(v => v.RuleId == r))).ToList();
        var quarantined = answered.Count(a => a.Compliance == ComplianceState.Quarantined);
        var nonCompliant = answered.Count(a => a.Compliance == ComplianceState.NonCompliant);
        var failed = targets.Count - answered.Count;
        var summary = $"{Scenarios.Title(scenario)} on {targets.Count} device(s){(targets.Count < count ? $" (of {count} asked; only {targets.Count} eligible)" : "")}. "
            + plan.Summary + $" Now {quarantined} quarantined, {nonCompliant} non-compliant"
            + (failed > 0 ? $"; {failed} could not check in and will report at their next check-in." : ".");
        LogScenario(logger, scenario, targets.Count, quarantined, nonCompliant);
        return new ScenarioResult(scenario, count, targets.Select(d => d.DeviceId ?? 0).ToList(), summary, rules, quarantined, nonCompliant, failed);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) == 0)
        {
            try
            {
                await lifetime.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the cancel: it was cancelled by Dispose.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        // Registered both as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        lifetime.Cancel();
        lifetime.Dispose();
        concurrency.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            // Enrol once the server listens: over HTTP this instance may be the target itself.
            using (var started = CancellationTokenSource.CreateLinkedTokenSource(host.ApplicationStarted, stoppingToken))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, started.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!await EnsureStartedAsync(stoppingToken))
                    {
                        return;
                    }

                    await RunScheduledRoundAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failing round (the database away, say) must not stop the host: try again after an interval.
                    LogRoundFailed(logger, e);
                    await Task.Delay(Settings.CheckInInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One round in time: device <c>i</c> of <c>n</c> checks in at <c>(i + 1) / n</c> of the interval, so the load is even
    /// and the round ends when the next begins. A slot waits for a free conversation (of <see cref="MaxConcurrency"/>):
    /// a slow server slows the round down instead of piling up requests.
    /// </summary>
    private async Task RunScheduledRoundAsync(CancellationToken stoppingToken)
    {
        var fleet = devices;
        var interval = Settings.CheckInInterval;
        var started = time.GetTimestamp();
        var roundStart = time.GetUtcNow();
        var errorsBefore = Interlocked.Read(ref errors);
        await OfferCatalogAppsAsync(fleet, stoppingToken);
        var inFlight = new List<Task>(MaxConcurrency);
        try
        {
            for (var i = 0; i < fleet.Count; i++)
            {
                var wait = roundStart + (interval * (i + 1) / fleet.Count) - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count >= MaxConcurrency)
                {
                    await Task.WhenAny(inFlight);
                    inFlight.RemoveAll(t => t.IsCompleted);
                }

                inFlight.Add(CheckInAsync(fleet[i], stoppingToken));
            }
        }
        finally
        {
            // Even when stopping: no check-in outlives the round that started it.
            await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (fleet.Count == 0)
        {
            await Task.Delay(interval, time, stoppingToken);
        }

        var elapsed = time.GetElapsedTime(started);
        RoundCompleted(elapsed);
        var failed = Interlocked.Read(ref errors) - errorsBefore;
        if (failed > 0)
        {
            LogRoundErrors(logger, failed, fleet.Count, lastError);
        }
    }

    private async Task<bool> StartFleetAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        SetState(SimulatorState.Starting);
        if (string.IsNullOrEmpty(options.Value.EnrollmentSecret))
        {
            LogNoSecret(logger);
            SetState(SimulatorState.NoEnrollmentSecret);
            return false;
        }

        var (_, catalogApps) = await LoadCatalogAsync(cancellationToken);
        var fleet = FleetGenerator.Generate(Settings.Seed, Settings.DeviceCount, catalogApps, Settings.MdmOnlyPercent);
        devices = fleet;
        await Parallel.ForEachAsync(fleet, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            await concurrency.WaitAsync(ct);
            try
            {
                await device.Gate.WaitAsync(ct);
                try
                {
                    await EnrollAsync(device, ct);
                }
                catch (DeviceChannelException e)
                {
                    Failed(device, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogUnexpected(logger, e, device.Udid);
                    Failed(device, $"Unexpected error: {e.Message}");
                }
                finally
                {
                    device.Gate.Release();
                }
            }
            finally
            {
                concurrency.Release();
            }
        });
        SetState(SimulatorState.Running);
        var enrolled = fleet.Count(d => d.IsEnrolled);
        LogStarted(logger, enrolled, fleet.Count, channel.Target is { } target ? target.ToString() : channel.Mode);
        return true;
    }

    private async Task<IReadOnlyList<SimulatedDevice>> RunningFleetAsync(CancellationToken cancellationToken) =>
        await EnsureStartedAsync(cancellationToken)
            ? devices
            : throw DomainException.Conflict("The fleet simulator is idle: set Fleet:EnrollmentSecret so that its devices can enrol.");

    /// <summary>One device's check-in: enrols first if needed, and once more if its token was refused. Null when it failed.</summary>
    private async Task<CheckInResponse?> CheckInAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        await concurrency.WaitAsync(cancellationToken);
        try
        {
            await device.Gate.WaitAsync(cancellationToken);
            try
            {
                if (!device.IsEnrolled)
                {
                    await EnrollAsync(device, cancellationToken);
                }

                try
                {
                    return await SendCheckInAsync(device, cancellationToken);
                }
                catch (DeviceChannelException e) when (e.Failure == DeviceChannelFailure.Unauthorized)
                {
                    // The token was rotated by another enrolment of this UDID, or the fleet was reset: enrol again.
                    await EnrollAsync(device, cancellationToken);
                    return await SendCheckInAsync(device, cancellationToken);
                }
            }
            catch (DeviceChannelException e)
            {
                Failed(device, e.Message);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogUnexpected(logger, e, device.Udid);
                Failed(device, $"Unexpected error: {e.Message}");
                return null;
            }
            finally
            {
                device.Gate.Release();
            }
        }
        finally
        {
            concurrency.Release();
        }
    }

    private async Task<CheckInResponse> SendCheckInAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        var request = device.NextCheckIn(time.GetUtcNow().ToUnixTimeMilliseconds());
        var response = await channel.CheckInAsync(device.Token!, request, cancellationToken);
        Interlocked.Increment(ref checkInsSent);
        device.Apply(request, response, time.GetUtcNow().UtcDateTime);
        return response;
    }

    private async Task EnrollAsync(SimulatedDevice device, CancellationToken cancellationToken) =>
        device.Enrolled(await channel.EnrollAsync(options.Value.EnrollmentSecret, device.EnrollRequest(), cancellationToken));

    private async Task OfferCatalogAppsAsync(IReadOnlyList<SimulatedDevice> fleet, CancellationToken cancellationToken)
    {
        var (_, catalogApps) = await LoadCatalogAsync(cancellationToken);
        foreach (var device in fleet)
        {
            device.OfferCatalogApps(catalogApps);
        }
    }

    /// <summary>
    /// The published catalog as devices carry it: in-house apps of the catalog's team, managed, with the version and
    /// code-signing certificate of the published build, so that revoking that certificate reaches devices too.
    /// </summary>
    private async Task<(CatalogSnapshot Snapshot, IReadOnlyList<SimulatedApp> Apps)> LoadCatalogAsync(CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetSnapshotAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var builds = (await db.CatalogApps.AsNoTracking()
            .Where(a => a.Status == CatalogAppStatus.Published)
            .Select(a => new
            {
                a.BundleId,
                a.CurrentVersion,
                Signer = db.SubmissionSigners.Where(s => s.SubmissionId == a.CurrentSubmissionId).OrderBy(s => s.Id).Select(s => s.Sha1).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken))
            .ToDictionary(b => b.BundleId, StringComparer.Ordinal);
        var now = time.GetUtcNow().UtcDateTime;
        var apps = snapshot.PublishedApps
            .OrderBy(a => a.BundleId, StringComparer.Ordinal)
            .Select(a => new SimulatedApp(a.BundleId, a.Name, builds.GetValueOrDefault(a.BundleId)?.CurrentVersion, a.TeamId, builds.GetValueOrDefault(a.BundleId)?.Signer,
                SimulatedApp.Enterprise, a.UrlSchemes, Managed: true, CatalogProfile(snapshot, a, builds.GetValueOrDefault(a.BundleId)?.CurrentVersion, now)))
            .ToList();
        return (snapshot, apps);
    }

    /// <summary>The profile a catalog app's published build embeds (as scanned), else a stable in-house stand-in.</summary>
    private static SimulatedProfile CatalogProfile(CatalogSnapshot snapshot, CatalogAppView app, string? version, DateTime now)
    {
        var stand = SimulatedProfile.InHouse($"{app.Name} In-House", app.TeamId, now);
        var scanned = snapshot.PublishedBuilds.Where(b => b.BundleId == app.BundleId && b.ProfileUuid is not null)
            .OrderByDescending(b => b.Version == version).Select(b => b.ProfileUuid).FirstOrDefault();
        return scanned is null ? stand : stand with { Uuid = scanned };
    }

    private void RequireEnabled()
    {
        if (!Enabled)
        {
            throw DomainException.Conflict("The fleet simulator is off: set Fleet:Simulator:Enabled to true (it is on by default in Development).");
        }
    }

    private void SetState(SimulatorState value)
    {
        lock (gate)
        {
            state = value;
        }
    }

    private void RoundCompleted(TimeSpan elapsed)
    {
        Interlocked.Increment(ref rounds);
        lock (gate)
        {
            lastRoundAtUtc = time.GetUtcNow().UtcDateTime;
            lastRoundDuration = elapsed;
        }
    }

    private void Failed(SimulatedDevice device, string error)
    {
        Interlocked.Increment(ref errors);
        device.Failed(error);
        lock (gate)
        {
            lastError = $"{device.Udid[..8]}…: {error}";
        }

        LogDeviceFailed(logger, device.Udid, error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet simulator idle: Fleet:EnrollmentSecret is empty, so its devices cannot enrol. Set it (appsettings.Development.json sets one) or turn the simulator off with Fleet:Simulator:Enabled=false.")]
    private static partial void LogNoSecret(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet simulator started: {Enrolled} of {Count} devices enrolled ({Target})")]
    private static partial void LogStarted(ILogger logger, int enrolled, int count, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet simulator: {Failed} failures in a round of {Count} devices; last: {LastError}")]
    private static partial void LogRoundErrors(ILogger logger, long failed, int count, string? lastError);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fleet simulator round failed; the next interval tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated device {Udid} failed: {Error}")]
    private static partial void LogDeviceFailed(ILogger logger, string udid, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in the check-in of simulated device {Udid}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string udid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator scenario {Scenario} on {Devices} devices: {Quarantined} quarantined, {NonCompliant} non-compliant")]
    private static partial void LogScenario(ILogger logger, Scenario scenario, int devices, int quarantined, int nonCompliant);
}
