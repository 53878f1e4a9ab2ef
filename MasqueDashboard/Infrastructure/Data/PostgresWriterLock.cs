using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// Gives PostgreSQL the writer discipline the product is built on. On SQLite every transaction begins IMMEDIATE and so
/// holds the database's one write lock from its first statement: the audit chain's head is read and extended, the
/// mass-action brake counts its window, a policy version is compared and saved, each by one writer at a time. Here
/// every transaction takes one transaction-scoped advisory lock before anything else, so writers on every instance
/// queue in the same total order and the lock is released by commit or rollback (or by the server when an instance
/// dies). Readers take no lock and never wait.
/// </summary>
internal sealed class PostgresWriterLock : DbTransactionInterceptor
{
    /// <summary>The advisory lock's key, 0x4D415351554500_01: "MASQUE" and a 1, so no other application on the server picks it by chance.</summary>
    public const string Key = "5566822223194685441";

    private const string Sql = "SELECT pg_advisory_xact_lock(" + Key + ")";

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection, result);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection, result);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Sql;
        return command;
    }
}
