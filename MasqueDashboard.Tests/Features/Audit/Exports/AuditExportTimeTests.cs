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
    public void Stored_sqlite_times_are_read_and_written_in_the_chain_format(string stored, string expected)
    {
        var time = AuditExportService.StoredTime(stored);

        Assert.Equal(DateTimeKind.Utc, time.Kind);
        Assert.Equal(DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), time);
        Assert.Equal(expected, AuditExportWriters.Time(time));
        Assert.Equal(time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture), AuditExportWriters.Time(time));
    }
}
