using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Cli;

/// <summary><c>bench export</c> at a toy size: it runs, compares with sqlite3 and appends its row (timings are not asserted).</summary>
public sealed class ExportBenchmarkCommandTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Bench_export_exports_the_seeded_trail_and_appends_its_row_to_the_report()
    {
        var report = Path.Combine(app.DatabaseDirectory, "BENCHMARKS.md");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var dbFile = Path.Combine(app.DatabaseDirectory, "test.db");

        await CommandLine.RunAsync(["bench", "export", "--events", "2000", "--runs", "1", "--report", report], output, error, builder =>
        {
            builder.Configuration["ConnectionStrings:Sqlite"] = $"Data Source={dbFile}";
            builder.Configuration["Storage:Root"] = Path.Combine(app.DatabaseDirectory, "packages");
            builder.Environment.EnvironmentName = "Testing";
        });

        var text = output.ToString();
        Assert.True(text.Contains("CSV export of 2,00", StringComparison.Ordinal), text + error);
        Assert.Contains("peak working-set growth", text, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(report);
        Assert.Contains("## Audit export (`bench export`)", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2,00", markdown, StringComparison.Ordinal);
    }
}
