using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Audit;

public sealed class AuditChainTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    private IAuditLog Audit => app.App.GetRequiredService<IAuditLog>();

    public void Dispose() => app.Dispose();

    [Fact]
    public void Hash_is_sha256_over_previous_hash_newline_and_canonical_json_array()
    {
        var e = new AuditEvent
        {
            Sequence = 1,
            OccurredAtUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1230),
            Actor = "alice@example.org",
            ActorId = null,
            Action = "user.created",
            Target = "user:1",
            Details = "{\"a\":\"é\"}",
            ClientIp = "127.0.0.1",
            PreviousHash = AuditChain.GenesisHash,
            Hash = "",
        };
        var expectedEncoding = "[1,\"2026-01-02T03:04:05.000123Z\",\"alice@example.org\",null,\"user.created\",\"user:1\",\"{\\u0022a\\u0022:\\u0022\\u00E9\\u0022}\",\"127.0.0.1\"]";
        Assert.Equal(expectedEncoding, Encoding.UTF8.GetString(AuditChain.CanonicalEncoding(e)));

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AuditChain.GenesisHash + "\n" + expectedEncoding)));
        Assert.Equal(expected, AuditChain.ComputeHash(AuditChain.GenesisHash, e));
    }

    [Fact]
    public async Task Appended_events_chain_from_genesis_and_verify_as_intact()
    {
        var first = await Audit.RecordAsync(new AuditActor("a@x.test", "1", "127.0.0.1"), "test.one", "t:1", new { n = 1 });
        var second = await Audit.RecordAsync(AuditActor.System, "test.two", null);
        var third = await Audit.RecordAsync(AuditActor.System, "test.three", "t:3", new { text = "say \"hi\"" });

        Assert.Equal([1L, 2L, 3L], new[] { first.Sequence, second.Sequence, third.Sequence });
        Assert.Equal(AuditChain.GenesisHash, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(second.Hash, third.PreviousHash);

        var result = await Audit.VerifyAsync();
        Assert.True(result.IsIntact, result.Problem);
        Assert.Equal(3, result.EventCount);
        Assert.Equal(third.Hash, result.HeadHash);
    }

    [Fact]
    public async Task Altering_an_events_details_is_detected_and_the_event_named()
    {
        await SeedAsync(5);
        await ExecuteAsync("""UPDATE "AuditEvents" SET "Details" = '[999]' WHERE "Sequence" = 3""");

        var result = await Audit.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("altered", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_event_is_detected_as_missing()
    {
        await SeedAsync(5);
        await ExecuteAsync("""DELETE FROM "AuditEvents" WHERE "Sequence" = 2""");

        var result = await Audit.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.Equal(2, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewriting_an_event_with_a_recomputed_hash_breaks_the_link_to_the_next_event()
    {
        await SeedAsync(4);
        await app.WithDbAsync(async db =>
        {
            var e = await db.AuditEvents.SingleAsync(x => x.Sequence == 2);
            e.Actor = "mallory";
            e.Hash = AuditChain.ComputeHash(e.PreviousHash, e);
            return await db.SaveChangesAsync();
        });

        var result = await Audit.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Appending_outside_a_transaction_is_refused()
    {
        await using var db = await app.App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Audit.AppendAsync(db, AuditActor.System, "test.x", null));
    }

    [Fact]
    public async Task An_event_rolls_back_with_the_change_it_records()
    {
        await using (var db = await app.App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Audit.AppendAsync(db, AuditActor.System, "test.rolled-back", null);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.AuditEvents.CountAsync()));
    }

    [Fact]
    public async Task Several_events_in_one_transaction_chain_in_order()
    {
        await using (var db = await app.App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var a = await Audit.AppendAsync(db, AuditActor.System, "test.a", null);
            var b = await Audit.AppendAsync(db, AuditActor.System, "test.b", null);
            Assert.Equal(a.Hash, b.PreviousHash);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.True((await Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Concurrent_writers_never_fork_the_chain()
    {
        var audit = Audit;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => audit.RecordAsync(AuditActor.System, "test.concurrent", $"n:{i}"))));

        var result = await Audit.VerifyAsync();

        Assert.True(result.IsIntact, result.Problem);
        Assert.Equal(24, result.EventCount);
    }

    private async Task SeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Audit.RecordAsync(AuditActor.System, "test.seed", $"n:{i}", new { n = i });
        }
    }

    private Task<int> ExecuteAsync(string sql) => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
}
