using System.Globalization;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>Appends benchmark rows to docs/BENCHMARKS.md, one section per benchmark, with the machine and the date.</summary>
internal static class BenchmarkReport
{
    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {cpu ?? System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {memory:0} GiB");
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A relative report path is taken from the repository root (where MasqueDashboard.sln is), since `dotnet run` runs in the project folder.</summary>
    public static string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MasqueDashboard.sln")))
            {
                return Path.Combine(dir.FullName, path);
            }
        }

        return Path.GetFullPath(path);
    }

    /// <summary>Appends <paramref name="row"/> under <paramref name="heading"/>, creating the section (intro and table header) the first time.</summary>
    public static void Append(string path, string heading, string intro, string tableHeader, string row)
    {
        path = ResolvePath(path);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, "# Benchmarks\n");
        }

        var text = File.ReadAllText(path);
        var marker = $"## {heading}";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            File.AppendAllText(path, $"\n{marker}\n\n{intro}\n\n{tableHeader}\n{row}\n");
            return;
        }

        // Insert the row at the end of this section's table (before the next section, if any).
        var next = text.IndexOf("\n## ", at + marker.Length, StringComparison.Ordinal);
        var end = next < 0 ? text.TrimEnd('\n').Length : next;
        File.WriteAllText(path, text[..end].TrimEnd('\n') + "\n" + row + "\n" + (next < 0 ? "" : text[end..]));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
