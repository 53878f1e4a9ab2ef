using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// The few things SQLite and PostgreSQL must be told differently, in one place. Everything else is written once:
/// raw SQL quotes its names (<c>"Devices"."Id"</c>) and uses <c>@name</c> parameters and <c>ON CONFLICT</c>, which
/// both read alike.
/// </summary>
public static class Sql
{
    /// <summary>
    /// After rows were inserted with explicit ids (bulk seeding, <c>db copy</c>), moves PostgreSQL's identity sequence
    /// past them so the next insert does not collide; SQLite's rowid follows the largest id by itself.
    /// </summary>
    public static async Task FollowInsertedIdsAsync(MasqueDbContext db, string table, string column, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsNpgsql())
        {
            return;
        }

        var sql = $"""SELECT setval(pg_get_serial_sequence('"{table}"', '{column}'), GREATEST((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)""";
        await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
    }
}
