using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// <c>bench scan</c> (PRODUCT.md §12): times a full scan of a ~50 MB .ipa (hash + every stage) against the
/// floor of <c>sha256sum</c> + <c>unzip -t</c> on the same file, samples the process's working set for the
/// peak growth, and appends the figures to docs/BENCHMARKS.md. Bar: ≤ 1.5× the floor, &lt; 64 MB growth.
/// </summary>
internal static class ScanBenchmark
{
    public const double RatioBar = 1.5;
    public const long MemoryBarBytes = 64L * 1024 * 1024;

    public static async Task<int> RunAsync(IServiceProvider services, string? file, int runs, string? reportPath, TextWriter output)
    {
        var generated = file is null;
        var path = file ?? Path.Combine(Path.GetTempPath(), $"masque-bench-{Guid.NewGuid():N}.ipa");
        try
        {
            if (generated)
            {
                await output.WriteLineAsync("Building a 50 MB benchmark package…");
                WritePackage(path, 52L * 1024 * 1024);
            }

            var size = new FileInfo(path).Length;
            await output.WriteLineAsync($"Package: {path} ({size / 1048576.0:0.0} MiB), {runs} runs each.");

            var floor = new List<double>();
            var scans = new List<double>();
            long peakGrowth = 0;
            Verdict verdict = default;
            await ScanOnceAsync(services, path, size);
            for (var i = 0; i < runs; i++)
            {
                floor.Add(await TimeProcessesAsync(("sha256sum", path), ("unzip", $"-tqq {path}")));
                GC.Collect();
                GC.WaitForPendingFinalizers();
                using var sampler = new WorkingSetSampler();
                var watch = Stopwatch.StartNew();
                verdict = await ScanOnceAsync(services, path, size);
                scans.Add(watch.Elapsed.TotalMilliseconds);
                peakGrowth = Math.Max(peakGrowth, sampler.Stop());
            }

            var floorMs = BenchmarkReport.Median(floor);
            var scanMs = BenchmarkReport.Median(scans);
            var ratio = scanMs / floorMs;
            var passed = ratio <= RatioBar && peakGrowth < MemoryBarBytes;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC | {BenchmarkReport.Machine()} | {size / 1048576.0:0.0} MiB | {floorMs:0} ms | {scanMs:0} ms | {ratio:0.00}× | {peakGrowth / 1048576.0:0.0} MB | {verdict} | {(passed ? "pass" : "FAIL")} |");
            await output.WriteLineAsync($"floor (sha256sum + unzip -t): {floorMs:0} ms; scan: {scanMs:0} ms; ratio {ratio:0.00} (bar {RatioBar}); peak working-set growth {peakGrowth / 1048576.0:0.0} MB (bar 64).");
            if (reportPath is not null)
            {
                reportPath = BenchmarkReport.ResolvePath(reportPath);
                BenchmarkReport.Append(reportPath, "Scan (`bench scan`)",
                    "Full scan of a ~50 MB .ipa (SHA-256 + every stage, median of the runs) against the floor of `sha256sum` + `unzip -t` on the same file (median), and the peak growth of the process's working set during a scan. Bar (PRODUCT.md §12): ratio ≤ 1.5, growth < 64 MB.",
                    "| when | machine | package | floor | scan | ratio | peak growth | verdict | bar |\n|---|---|---|---|---|---|---|---|---|", line);
                await output.WriteLineAsync($"Appended to {reportPath}.");
            }

            return passed ? CommandLine.Ok : CommandLine.Failed;
        }
        finally
        {
            if (generated)
            {
                File.Delete(path);
            }
        }
    }

    private static async Task<Verdict> ScanOnceAsync(IServiceProvider services, string path, long size)
    {
        string sha;
        await using (var stream = File.OpenRead(path))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        }

        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<AppReputation>().ScanAsync(new ScanRequest(path, sha, size, Path.GetFileName(path)), CancellationToken.None);
        return report.Verdict;
    }

    private static async Task<double> TimeProcessesAsync(params (string File, string Arguments)[] commands)
    {
        var watch = Stopwatch.StartNew();
        foreach (var (fileName, arguments) in commands)
        {
            using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException($"Cannot start {fileName}");
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{fileName} {arguments} exited {process.ExitCode}");
            }
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// A package shaped like a real app: binary Info.plist, a small arm64 executable, and about
    /// <paramref name="targetBytes"/> of resources — mostly incompressible (images, media) with some text.
    /// </summary>
    internal static void WritePackage(string path, long targetBytes)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Write(zip, "Payload/Bench.app/Info.plist", PlistWriter.ToBinary(new PlistDictionary(
        [
            new("CFBundleIdentifier", new PlistString("com.example.bench")),
            new("CFBundleName", new PlistString("Bench")),
            new("CFBundleExecutable", new PlistString("Bench")),
            new("CFBundleShortVersionString", new PlistString("1.0")),
            new("CFBundleVersion", new PlistString("1")),
            new("MinimumOSVersion", new PlistString("8.0")),
        ])), CompressionLevel.Optimal);
        Write(zip, "Payload/Bench.app/Bench", MinimalExecutable(), CompressionLevel.Optimal);
        var random = new Random(42);
        long written = 0;
        for (var i = 0; written < targetBytes; i++)
        {
            var bytes = new byte[1 << 20];
            if (i % 10 == 9)
            {
                var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(n => $"\"key{n % 977}\": {n},")));
                bytes = text[..Math.Min(text.Length, bytes.Length)];
            }
            else
            {
                random.NextBytes(bytes);
            }

            Write(zip, $"Payload/Bench.app/Assets/asset{i:000}.bin", bytes, i % 10 == 9 ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            written += bytes.Length;
        }
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(bytes);
    }

    /// <summary>A 64-bit arm64 MH_EXECUTE with a __TEXT segment: enough for every stage to read it.</summary>
    private static byte[] MinimalExecutable()
    {
        var bytes = new byte[0x4000];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0xFEEDFACF);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 0x0100000C);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 72);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], 0x200085);
        var segment = span[32..];
        BinaryPrimitives.WriteUInt32LittleEndian(segment, 0x19);
        BinaryPrimitives.WriteUInt32LittleEndian(segment[4..], 72);
        Encoding.ASCII.GetBytes("__TEXT").CopyTo(segment[8..]);
        BinaryPrimitives.WriteUInt64LittleEndian(segment[24..], 0x100000000);
        BinaryPrimitives.WriteUInt64LittleEndian(segment[32..], (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(segment[40..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(segment[48..], (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(segment[56..], 5);
        BinaryPrimitives.WriteUInt32LittleEndian(segment[60..], 5);
        return bytes;
    }

    /// <summary>Samples the working set every few milliseconds; <see cref="Stop"/> returns the peak above the start.</summary>
    internal sealed class WorkingSetSampler : IDisposable
    {
        private readonly long baseline = Environment.WorkingSet;
        private readonly CancellationTokenSource stop = new();
        private readonly Task<long> sampling;

        public WorkingSetSampler()
        {
            sampling = Task.Run(async () =>
            {
                long peak = baseline;
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                    try
                    {
                        await Task.Delay(5, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                return Math.Max(peak, Environment.WorkingSet);
            });
        }

        public long Stop()
        {
            stop.Cancel();
            return sampling.GetAwaiter().GetResult() - baseline;
        }

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
