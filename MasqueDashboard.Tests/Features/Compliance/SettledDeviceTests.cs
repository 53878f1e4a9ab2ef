using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Compliance;

/// <summary>
/// A fleet-wide re-evaluation skips devices <see cref="ComplianceEngine.IsSettled"/> calls settled; that is only right
/// if the engine would indeed change nothing for them. Random devices, violations, pending commands and findings
/// check the two agree both ways.
/// </summary>
public sealed class SettledDeviceTests : IDisposable
{
    private static readonly (string Policy, string Rule, string Subject)[] Pool =
    [
        (PolicyIds.NoMasqueApps, ViolationIds.MasqueBundleHijack, "com.example.bank"),
        (PolicyIds.NoMasqueApps, ViolationIds.SignerUntrustedEnterprise, "com.example.bank"),
        (PolicyIds.Supervised, ViolationIds.DeviceNotSupervised, ""),
        (PolicyIds.MinimumOs, ViolationIds.OsVersionBelowMinimum, ""),
        (PolicyIds.NotJailbroken, ViolationIds.DeviceJailbroken, ""),
    ];

    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Settled_means_the_engine_would_change_nothing_and_unsettled_means_it_would()
    {
        var engine = app.App.GetRequiredService<ComplianceEngine>();
        var contexts = app.App.GetRequiredService<IDbContextFactory<MasqueDashboard.Infrastructure.Data.MasqueDbContext>>();
        var policies = PolicyDocument.Default;
        var now = app.Time.GetUtcNow().UtcDateTime;
        var random = new Random(5);
        int settled = 0, unsettled = 0;

        for (var round = 0; round < 400; round++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var device = new Device
            {
                Udid = $"UDID-SETTLED-{round:D6}-000000", SerialNumber = "S", Model = "iPhone 5s", Owner = "o@corp.example", OsVersion = "8.1", TokenHash = $"{round:D64}",
                Compliance = (ComplianceState)random.Next(3), Network = (NetworkState)random.Next(2),
            };
            db.Devices.Add(device);
            await db.SaveChangesAsync();

            var existing = Pool.Where(_ => random.Next(3) == 0).Select(p => new DeviceViolation
            {
                DeviceId = device.Id, PolicyId = p.Policy, RuleId = p.Rule, Subject = p.Subject, Detail = $"{p.Rule} detail",
                SinceUtc = now.AddHours(-random.Next(0, 48)), StepsApplied = random.Next(4) == 0 ? random.Next(0, 2) : 2,
            }).ToList();
            db.DeviceViolations.AddRange(existing);
            var pending = Enumerable.Range(0, random.Next(0, 3)).Select(_ => new DeviceCommand
            {
                Id = Guid.NewGuid(), DeviceId = device.Id, Type = random.Next(2) == 0 ? CommandType.BlockNetwork : CommandType.UnblockNetwork,
                Status = random.Next(2) == 0 ? CommandStatus.Queued : CommandStatus.Sent, Reason = "r", RequestedBy = "t", QueuedAtUtc = now,
            }).ToList();
            db.DeviceCommands.AddRange(pending);
            await db.SaveChangesAsync();

            // Failing now: mostly what is already recorded (the common case), sometimes more, fewer or reworded.
            var failing = existing.Where(_ => random.Next(6) != 0)
                .Select(v => new ViolationFact(v.PolicyId, v.RuleId, v.Subject, random.Next(8) == 0 ? "reworded" : v.Detail))
                .Concat(Pool.Where(_ => random.Next(8) == 0).Select(p => new ViolationFact(p.Policy, p.Rule, p.Subject, $"{p.Rule} detail")))
                .DistinctBy(f => (f.RuleId, f.Subject))
                .ToList();

            var isSettled = ComplianceEngine.IsSettled(device, failing, existing, pending, policies, now);
            var outcome = await engine.ApplyAsync(db, device, failing, policies, existing, pending);
            Assert.True(isSettled != outcome.Changed, $"round {round}: settled {isSettled} but the engine changed {outcome.Changed} " +
                $"(state {device.Compliance}, network {device.Network}, {existing.Count} violations, {pending.Count} pending, {failing.Count} failing)");
            if (isSettled)
            {
                settled++;
            }
            else
            {
                unsettled++;
            }

            await transaction.RollbackAsync();
        }

        Assert.True(settled > 20 && unsettled > 20, $"both sides exercised: {settled} settled, {unsettled} not");
    }
}
