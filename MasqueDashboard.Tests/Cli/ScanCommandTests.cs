using System.Text.Json;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace MasqueDashboard.Tests.Cli;

public sealed class ScanCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "masque-cli-scan", Guid.NewGuid().ToString("N"));

    public ScanCommandTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private async Task<(int Exit, string Out, string Err)> ScanAsync(byte[] package)
    {
        var path = Path.Combine(directory, "App.ipa");
        await File.WriteAllBytesAsync(path, package);
        var root = Path.Combine(directory, "root.pem");
        await File.WriteAllTextAsync(root, TestPki.Shared.Root.ExportCertificatePem());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["scan", path], output, error, builder =>
        {
            builder.Configuration["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "cli.db")}";
            builder.Configuration["Scanner:TrustedRoots:0"] = root;
            builder.Environment.EnvironmentName = "Testing";
        });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Scan_prints_the_json_report_and_exits_by_verdict()
    {
        var suspicious = await ScanAsync(SamplePackages.Build(new SampleApp()));
        var invalid = await ScanAsync("not a zip"u8.ToArray());
        var malicious = await ScanAsync(new IpaBuilder("Bank").WithInfoPlist(IpaBuilder.DefaultInfoPlist("Bank"))
            .WithExecutable(SamplePackages.Executable(new SampleApp(), TestPki.Shared, TestPki.Shared.Distribution))
            .WithRawEntry("../escape", [1]).Build());

        using var report = JsonDocument.Parse(suspicious.Out);
        Assert.Equal("Suspicious", report.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(1, suspicious.Exit);
        Assert.Equal(3, invalid.Exit);
        Assert.Equal(2, malicious.Exit);
    }

    [Theory]
    [InlineData(Verdict.Clean, 0)]
    [InlineData(Verdict.Suspicious, 1)]
    [InlineData(Verdict.Malicious, 2)]
    [InlineData(Verdict.Invalid, 3)]
    public void Exit_codes_map_the_verdict(Verdict verdict, int exit) => Assert.Equal(exit, CommandLine.ExitCodeOf(verdict));

    [Fact]
    public async Task Scan_of_a_missing_file_is_a_usage_error()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["scan", Path.Combine(directory, "nope.ipa")], output, error, b => b.Configuration["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "cli.db")}");

        Assert.Equal(CommandLine.Usage, exit);
        Assert.Contains("No such file", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_benchmark_package_is_a_readable_app()
    {
        var path = Path.Combine(directory, "bench.ipa");
        ScanBenchmark.WritePackage(path, 2L * 1024 * 1024);

        var report = await MasqueDashboard.Tests.Features.Scanning.BuiltInScannerTests.ScanAsync(await File.ReadAllBytesAsync(path));

        Assert.Equal("com.example.bench", report.App!.BundleId);
        Assert.DoesNotContain(report.Findings, f => f.RuleId is "PACKAGE-INVALID" or "PACKAGE-UNSAFE");
    }
}
