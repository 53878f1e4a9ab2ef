using System.Globalization;
using MasqueDashboard.Features.Audit.Exports;

namespace MasqueDashboard.Tests.Features.Audit.Exports;

public sealed class AuditExportTimeTests
{
    [Theory]
    [InlineData("2026-01-02 03:04:05", "2026-01-02T03:04:05.000000Z")]
    [InlineData("2026-11-26 23:59:59.1234567", "2026-11-26T23:59:59.123456Z")]
    [InlineData("2026-11-26 00:00:00.12", "2026-11-26T00:00:00.120000Z")]
    [InlineData("0001-01-01 00:00:00.000001", "0001-01-01T00:00:00.000001Z")]
    [InlineData("2026-11-26T08:09:10.5", "2026-11-26T08:09:10.500000Z")]
    public void Stored_sqlite_times_are_read_and_written_in_the_chain_format(string stored, string expected)
    {
        var time = AuditExportService.StoredTime(stored);

        Assert.Equal(DateTimeKind.Utc, time.Kind);
        Assert.Equal(DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), time);
        Assert.Equal(expected, AuditExportWriters.Time(time));
        Assert.Equal(time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture), AuditExportWriters.Time(time));
    }

    [Theory]
    [InlineData("2026-01-02 03:04:05", "2026-01-02T03:04:05.000000Z")]
    [InlineData("2026-11-26 23:59:59.1234567", "2026-11-26T23:59:59.123456Z")]
    [InlineData("2026-11-26 00:00:00.12", "2026-11-26T00:00:00.120000Z")]
    [InlineData("2026-11-26T08:09:10.5", "2026-11-26T08:09:10.500000Z")]
    [InlineData("26 Nov 2026 08:09:10", "2026-11-26T08:09:10.000000Z")]
    public void The_csv_path_reads_sqlites_bytes_into_the_same_fields_without_strings(string stored, string expected)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT $s, $t, 'ünïcode \"actor\"', NULL, 'a.b', NULL, '{\"x\":1}', '10.0.0.1', 'p', 'h' WHERE $s > $low";
        command.Parameters.AddWithValue("$s", 42L);
        command.Parameters.AddWithValue("$t", stored);
        command.Parameters.AddWithValue("$low", 41);

        using var rows = Utf8Rows.Read(command);

        Assert.Equal(1, rows.Count);
        string Field(int c) => System.Text.Encoding.UTF8.GetString(rows.Field(0, c));
        Assert.Equal("42", Field(0));
        Assert.Equal(expected, Field(1));
        Assert.Equal("ünïcode \"actor\"", Field(2));
        Assert.Equal("", Field(3));
        Assert.Equal("{\"x\":1}", Field(6));
        Assert.Equal("h", Field(9));
    }
}
