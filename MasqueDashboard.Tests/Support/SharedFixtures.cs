namespace MasqueDashboard.Tests.Support;

/// <summary>
/// <c>../shared/fixtures</c> beside the repository: real files from public projects, read in place. Tests
/// that need them skip when the folder is absent, except under CI, where its absence is a failure.
/// </summary>
public static class SharedFixtures
{
    public static string? Root { get; } = Find();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RequireRoot()
    {
        if (Root is not null)
        {
            return Root;
        }

        if (IsCi)
        {
            throw new InvalidOperationException("../shared/fixtures is required when CI=true, and it was not found beside the repository.");
        }

        Skip.If(true, "../shared/fixtures is absent beside the repository: fixture tests skipped.");
        return "";
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (File.Exists(Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        return null;
    }
}
