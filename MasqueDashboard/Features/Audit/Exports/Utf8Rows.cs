using System.Buffers;
using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MasqueDashboard.Features.Audit.Exports;

/// <summary>
/// A slice of audit events as the UTF-8 bytes SQLite stores, in one pooled buffer: the CSV export writes them without
/// ever making a string. Decoding every column into .NET strings was most of the export's time and all of its
/// garbage, so this reads the command EF built (same SQL, same parameters, so the trail's filters) through SQLite's
/// own statement API and copies each column's bytes as they are. Dispose returns the buffers.
/// </summary>
internal sealed class Utf8Rows : IDisposable
{
    public const int Columns = 10;
    private byte[] bytes = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int[] ends = ArrayPool<int>.Shared.Rent(AuditExportService.SliceSize * Columns);
    private int length;
    private int fields;

    public int Count { get; private set; }

    /// <summary>Column <paramref name="column"/> of row <paramref name="row"/> (empty for NULL).</summary>
    public ReadOnlySpan<byte> Field(int row, int column)
    {
        var i = (row * Columns) + column;
        var start = i == 0 ? 0 : ends[i - 1];
        return bytes.AsSpan(start, ends[i] - start);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(bytes);
        ArrayPool<int>.Shared.Return(ends);
        bytes = [];
        ends = [];
    }

    /// <summary>
    /// Runs <paramref name="command"/> (its columns in <see cref="AuditExportWriters.Columns"/> order) on its open
    /// connection: through SQLite's statement API there, through the data reader on any other database.
    /// </summary>
    public static Utf8Rows Read(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Connection is SqliteConnection sqlite ? ReadSqlite(sqlite, command) : ReadAny(command);
    }

    /// <summary>Any ADO.NET provider: the reader's values encoded as UTF-8 into the same buffers.</summary>
    private static Utf8Rows ReadAny(DbCommand command)
    {
        var rows = new Utf8Rows();
        using var data = command.ExecuteReader();
        while (data.Read())
        {
            if (rows.fields + Columns > rows.ends.Length)
            {
                Grow(ref rows.ends, rows.ends.Length * 2);
            }

            var sequence = rows.Reserve(20);
            Utf8Formatter.TryFormat(data.GetInt64(0), sequence, out var written);
            rows.End(written);
            var time = AuditExportWriters.Time(data.GetDateTime(1));
            rows.End(System.Text.Encoding.UTF8.GetBytes(time, rows.Reserve(time.Length)));
            for (var c = 2; c < Columns; c++)
            {
                var text = data.IsDBNull(c) ? "" : data.GetString(c);
                rows.End(System.Text.Encoding.UTF8.GetBytes(text, rows.Reserve(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length))));
            }

            rows.Count++;
        }

        return rows;
    }

    private static Utf8Rows ReadSqlite(SqliteConnection connection, DbCommand command)
    {
        var rows = new Utf8Rows();
        Check(connection, raw.sqlite3_prepare_v2(connection.Handle, command.CommandText, out var statement));
        using (statement)
        {
            foreach (SqliteParameter parameter in command.Parameters)
            {
                Bind(connection, statement, parameter);
            }

            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                rows.AddRow(statement);
            }

            if (step != raw.SQLITE_DONE)
            {
                Check(connection, step);
            }
        }

        return rows;
    }

    private void AddRow(sqlite3_stmt statement)
    {
        if (fields + Columns > ends.Length)
        {
            Grow(ref ends, ends.Length * 2);
        }

        var sequence = Reserve(20);
        Utf8Formatter.TryFormat(raw.sqlite3_column_int64(statement, 0), sequence, out var written);
        End(written);
        Time(raw.sqlite3_column_blob(statement, 1));
        for (var c = 2; c < Columns; c++)
        {
            var value = raw.sqlite3_column_blob(statement, c); // TEXT as stored (UTF-8); NULL is empty
            value.CopyTo(Reserve(value.Length));
            End(value.Length);
        }

        Count++;
    }

    /// <summary>EF's stored time (<c>yyyy-MM-dd HH:mm:ss[.fffffff]</c>) in the chain's form (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>).</summary>
    private void Time(ReadOnlySpan<byte> stored)
    {
        if (stored.Length < 19 || stored[4] != (byte)'-' || stored[10] is not ((byte)' ' or (byte)'T'))
        {
            var text = AuditExportWriters.Time(AuditExportService.StoredTime(System.Text.Encoding.UTF8.GetString(stored)));
            var n = System.Text.Encoding.UTF8.GetBytes(text, Reserve(text.Length * 3));
            End(n);
            return;
        }

        var span = Reserve(27);
        stored[..10].CopyTo(span);
        span[10] = (byte)'T';
        stored[11..19].CopyTo(span[11..]);
        span[19] = (byte)'.';
        for (var i = 0; i < 6; i++)
        {
            var at = 20 + i;
            span[20 + i] = at < stored.Length && char.IsAsciiDigit((char)stored[at]) && stored[19] == (byte)'.' ? stored[at] : (byte)'0';
        }

        span[26] = (byte)'Z';
        End(27);
    }

    private Span<byte> Reserve(int count)
    {
        if (length + count > bytes.Length)
        {
            Grow(ref bytes, Math.Max(bytes.Length * 2, length + count));
        }

        return bytes.AsSpan(length, count);
    }

    /// <summary>Closes the field just written into <see cref="Reserve"/>d space.</summary>
    private void End(int written)
    {
        length += written;
        ends[fields++] = length;
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        var bigger = ArrayPool<T>.Shared.Rent(size);
        array.CopyTo(bigger, 0);
        ArrayPool<T>.Shared.Return(array);
        array = bigger;
    }

    private static void Bind(SqliteConnection connection, sqlite3_stmt statement, SqliteParameter parameter)
    {
        var name = parameter.ParameterName.Length > 0 && parameter.ParameterName[0] is '@' or '$' or ':' ? parameter.ParameterName : "@" + parameter.ParameterName;
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        if (index == 0)
        {
            return;
        }

        var result = parameter.Value switch
        {
            null or DBNull => raw.sqlite3_bind_null(statement, index),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
            string text => raw.sqlite3_bind_text(statement, index, text),
            // As Microsoft.Data.Sqlite binds a DateTime, so it compares with what EF stored.
            DateTime t => raw.sqlite3_bind_text(statement, index, t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            var other => throw new NotSupportedException($"An export filter of type {other.GetType().Name} cannot be bound."),
        };
        Check(connection, result);
    }

    private static void Check(SqliteConnection connection, int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), result);
        }
    }
}
