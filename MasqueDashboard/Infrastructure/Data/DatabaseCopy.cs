using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// <c>db copy --from Sqlite --to Postgres</c>: moves a pilot's whole database — users and their password hashes, API
/// tokens, the Data Protection key ring, submissions, catalog, fleet and the audit chain with its hashes — into an empty
/// PostgreSQL database, table by table in foreign-key order, in one transaction: it all arrives or nothing does. The
/// rows are copied as they are (keys included), so the chain verifies on the copy and every cookie and token still works.
/// </summary>
public static class DatabaseCopy
{
    private const int Batch = 2_000;

    /// <summary>What an empty installation writes at start-up (roles, a key ring): replaced by the source's.</summary>
    private static readonly HashSet<string> StartUpTables = new(StringComparer.Ordinal) { "AspNetRoles", "DataProtectionKeys" };

    /// <summary>Rows the target's migrations write and its saves renew (<see cref="StateStamp"/>): kept, never copied.</summary>
    private const string OwnTable = "StateStamps";

    private static readonly MethodInfo CopyRowsMethod = typeof(DatabaseCopy).GetMethod(nameof(CopyRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Copies every table; refuses (changing nothing) when the target already holds data of its own.</summary>
    public static async Task<IReadOnlyList<(string Table, long Rows)>> CopyAsync(MasqueDbContext source, MasqueDbContext target, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        await target.Database.MigrateAsync(cancellationToken);
        var tables = InForeignKeyOrder(source.Model).Where(t => t.GetTableName() != OwnTable).ToList();
        await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
        foreach (var type in tables.AsEnumerable().Reverse())
        {
            var table = type.GetTableName()!;
            var rows = await CountAsync(target, type, cancellationToken);
            if (rows > 0 && !StartUpTables.Contains(table))
            {
                throw DomainException.Conflict($"The target database already holds data ({rows:N0} rows in {table}): db copy fills an empty database.");
            }

            if (rows > 0)
            {
#pragma warning disable EF1002 // the table name comes from the model, not from input
                await target.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"", cancellationToken);
#pragma warning restore EF1002
            }
        }

        var copied = new List<(string, long)>();
        foreach (var type in tables)
        {
            var rows = await (Task<long>)CopyRowsMethod.MakeGenericMethod(type.ClrType).Invoke(null, [source, target, cancellationToken])!;
            copied.Add((type.GetTableName()!, rows));
            progress?.Report($"{type.GetTableName()}: {rows:N0} rows");
            if (type.FindPrimaryKey() is { Properties: [{ ValueGenerated: ValueGenerated.OnAdd, ClrType: var keyType } key] } && (keyType == typeof(long) || keyType == typeof(int)))
            {
                await Sql.FollowInsertedIdsAsync(target, type.GetTableName()!, key.GetColumnName(), cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task<long> CopyRowsAsync<T>(MasqueDbContext source, MasqueDbContext target, CancellationToken cancellationToken)
        where T : class
    {
        long rows = 0;
        var pending = 0;
        await foreach (var row in source.Set<T>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            target.Set<T>().Add(row);
            rows++;
            if (++pending == Batch)
            {
                await target.SaveChangesAsync(cancellationToken);
                target.ChangeTracker.Clear();
                pending = 0;
            }
        }

        await target.SaveChangesAsync(cancellationToken);
        target.ChangeTracker.Clear();
        return rows;
    }

#pragma warning disable EF1002 // the table name comes from the model, not from input
    private static Task<long> CountAsync(MasqueDbContext db, IEntityType type, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<long>($"SELECT COUNT(*) AS \"Value\" FROM \"{type.GetTableName()}\"").SingleAsync(cancellationToken);
#pragma warning restore EF1002

    /// <summary>Every table's entity type, each after the ones its foreign keys point to.</summary>
    private static List<IEntityType> InForeignKeyOrder(IModel model)
    {
        var types = model.GetEntityTypes().Where(t => t.GetTableName() is not null && !t.IsOwned() && t.FindPrimaryKey() is not null).ToList();
        var shadow = types.SelectMany(t => t.GetProperties().Where(p => p.IsShadowProperty()).Select(p => $"{t.DisplayName()}.{p.Name}")).ToList();
        if (shadow.Count > 0)
        {
            // A row read without its shadow properties would arrive without them: the copy must see every column.
            throw new InvalidOperationException($"db copy cannot copy shadow properties: {string.Join(", ", shadow)}.");
        }

        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        while (ordered.Count < types.Count)
        {
            var ready = types.Where(t => !placed.Contains(t) && t.GetForeignKeys().All(fk => fk.PrincipalEntityType == t || placed.Contains(fk.PrincipalEntityType))).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException("The model's foreign keys form a cycle; db copy cannot order its tables.");
            }

            ordered.AddRange(ready);
            placed.UnionWith(ready);
        }

        return ordered;
    }
}
