using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Siem;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Audit;

/// <summary>Retention (PRODUCT.md §8): keep everything by default; when on, prune a prefix and keep the chain verifiable from an attested anchor.</summary>
public sealed class RetentionTests : IDisposable
{
    // The background run waits 40 days (tests move the clock 31), so each test prunes when it says so.
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Audit:Retention:Days", "30").With("Audit:Retention:Interval", "40.00:00:00");

    public void Dispose() => app.Dispose();

    private async Task RecordAsync(int count, string tag)
    {
        var audit = app.App.GetRequiredService<IAuditLog>();
        for (var i = 0; i < count; i++)
        {
            await audit.RecordAsync(AuditActor.System, "test.event", $"{tag}:{i}");
        }
    }

    [Fact]
    public async Task Old_events_are_pruned_as_a_prefix_and_the_trail_still_verifies_from_the_anchor()
    {
        await RecordAsync(20, "old");
        app.Time.Advance(TimeSpan.FromDays(31));
        await RecordAsync(5, "new");
        var oldHead = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target!.StartsWith("old:")).MaxAsync(e => e.Sequence));

        var result = await app.App.GetRequiredService<AuditRetention>().PruneAsync();

        Assert.Equal(oldHead, result.ThroughSequence);
        Assert.False(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Sequence <= oldHead)));
        Assert.Equal(6, await app.WithDbAsync(db => db.AuditEvents.CountAsync())); // the 5 new ones and the attestation
        var verification = await app.App.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(6, verification.EventCount);

        // Nothing more to prune now; and appending still chains.
        Assert.Equal(0, (await app.App.GetRequiredService<AuditRetention>().PruneAsync()).Pruned);
        await RecordAsync(1, "later");
        Assert.True((await app.App.GetRequiredService<IAuditLog>().VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_forged_anchor_or_a_removed_beginning_is_caught()
    {
        await RecordAsync(10, "old");
        app.Time.Advance(TimeSpan.FromDays(31));
        await RecordAsync(3, "new");
        await app.App.GetRequiredService<AuditRetention>().PruneAsync();

        // Someone deletes more of the beginning and moves the anchor to hide it.
        await app.WithDbAsync(async db =>
        {
            var first = await db.AuditEvents.OrderBy(e => e.Sequence).FirstAsync();
            await db.AuditEvents.Where(e => e.Sequence == first.Sequence).ExecuteDeleteAsync();
            await db.AuditAnchors.ExecuteDeleteAsync();
            db.AuditAnchors.Add(new AuditAnchor { Sequence = first.Sequence, Hash = first.Hash, PrunedAtUtc = DateTime.UtcNow, PrunedCount = 1 });
            return await db.SaveChangesAsync();
        });

        var verification = await app.App.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.False(verification.IsIntact);
        Assert.Contains("attests", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_a_siem_sink_has_not_taken_are_kept()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("retention-admin@test", Roles.EmmAdmin));
        await app.App.GetRequiredService<SiemSettingsStore>().SaveAsync(admin,
            new SiemSinkSettings { Sink = SiemSinks.Syslog, Enabled = true, Host = "127.0.0.1", Port = 9, Protocol = "tcp" }, null);
        await RecordAsync(10, "old");
        await app.WithDbAsync(async db =>
        {
            db.SiemCheckpoints.Add(new SiemCheckpoint { Sink = SiemSinks.Syslog, LastSequence = 4 });
            return await db.SaveChangesAsync();
        });
        app.Time.Advance(TimeSpan.FromDays(31));
        await RecordAsync(1, "new");

        var result = await app.App.GetRequiredService<AuditRetention>().PruneAsync();

        Assert.Equal(4, result.ThroughSequence);
        Assert.Equal(5, await app.WithDbAsync(db => db.AuditEvents.MinAsync(e => e.Sequence)));
        Assert.True((await app.App.GetRequiredService<IAuditLog>().VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task By_default_everything_is_kept()
    {
        using var keeper = new MasqueAppFactory();
        var audit = keeper.App.GetRequiredService<IAuditLog>();
        await audit.RecordAsync(AuditActor.System, "test.event", "x");
        keeper.Time.Advance(TimeSpan.FromDays(3650));
        await audit.RecordAsync(AuditActor.System, "test.event", "y");
        Assert.Equal(0, (await keeper.App.GetRequiredService<AuditRetention>().PruneAsync()).Pruned);
        Assert.Equal(2, await keeper.WithDbAsync(db => db.AuditEvents.CountAsync()));
    }
}
