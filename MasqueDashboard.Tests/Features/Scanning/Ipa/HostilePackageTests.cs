using System.Text;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Ipa;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Ipa;

/// <summary>
/// The hostile corpus: each package goes through <see cref="IpaPackage.Open"/> and every read a scan makes,
/// and must end in a <see cref="PackageFormatException"/> or the expected recorded problem, never in another
/// exception. The packages live in memory only (read-only streams).
/// </summary>
public sealed class HostilePackageTests
{
    private const string App = "Payload/Example.app/";

    public static TheoryData<string> CaseNames => [.. Corpus.Keys];

    private static Dictionary<string, HostileCase> Corpus { get; } = new HostileCase[]
    {
        new("a text file that is not a ZIP", () => Encoding.UTF8.GetBytes("<html>not a package</html>"), Expect.FormatError),
        new("an empty file", () => [], Expect.FormatError),
        new("an archive whose last bytes were cut off", () => new IpaBuilder().TruncatedBy(10).Build(), Expect.FormatError),
        new("a central directory cut short under an intact end record", () => new IpaBuilder().WithCentralDirectoryCutBy(40).Build(), Expect.FormatError),
        new("an end record claiming one entry fewer than the directory holds", () => WithDeclaredCount(-1), Expect.FormatError),
        new("an end record claiming one entry more than the directory holds", () => WithDeclaredCount(+1), Expect.FormatError),
        new("an end record on disk 1 of a split archive", MultiDisk, Expect.FormatError),
        new("ZIP64 and classic end records disagreeing on the entry count", () => new IpaBuilder().WithZip64().WithDeclaredEntryCount(2).Build(), Expect.Problem(PackageProblemKind.Unsafe, "ZIP64 end record")),
        new("more entries than the entry limit", () => new IpaBuilder().Build(), Expect.Problem(PackageProblemKind.Unsafe, "more than the limit of 3"), new ZipLimits { MaxEntries = 3 }),
        new("a central directory larger than its limit", () => new IpaBuilder().Build(), Expect.Problem(PackageProblemKind.Unsafe, "central directory is"), new ZipLimits { MaxCentralDirectoryBytes = 100 }),
        new("an entry climbing out with '..'", () => new IpaBuilder().WithTraversalEntry().Build(), Expect.Problem(PackageProblemKind.Unsafe, "path traversal")),
        new("an entry starting with '..'", () => Raw("../evil.dylib"), Expect.Problem(PackageProblemKind.Unsafe, "path traversal")),
        new("an absolute entry name", () => new IpaBuilder().WithAbsoluteEntry().Build(), Expect.Problem(PackageProblemKind.Unsafe, "absolute path")),
        new("a backslash in an entry name", () => new IpaBuilder().WithBackslashEntry().Build(), Expect.Problem(PackageProblemKind.Unsafe, "backslash")),
        new("a NUL in an entry name", () => Raw(App + "Info.plist\0.png"), Expect.Problem(PackageProblemKind.Unsafe, "NUL")),
        new("a drive letter in an entry name", () => Raw("C:/Windows/evil.dll"), Expect.Problem(PackageProblemKind.Unsafe, "drive letter")),
        new("a '.' segment in an entry name", () => Raw(App + "./Info.plist"), Expect.Problem(PackageProblemKind.Unsafe, "'.' path segment")),
        new("an entry name that is not UTF-8", () => new IpaBuilder().WithRawEntry("ignored", [1], spec => spec.NameBytes = [0x50, 0xFF, 0xFE]).Build(), Expect.Problem(PackageProblemKind.Unsafe, "not UTF-8")),
        new("a second Info.plist entry", () => new IpaBuilder().WithDuplicateEntry("Info.plist", [1, 2, 3]).Build(), Expect.Problem(PackageProblemKind.Unsafe, "more than once")),
        new("two names equal after Unicode normalisation", NormalisationTwins, Expect.Problem(PackageProblemKind.Unsafe, "more than once")),
        new("a symbolic link as Info.plist", () => new IpaBuilder().WithoutInfoPlist().WithSymlink("Info.plist", "/etc/passwd").Build(), Expect.Problem(PackageProblemKind.Unsafe, "symbolic link")),
        new("a device node entry", () => new IpaBuilder().WithRawEntry(App + "dev", [], spec => spec.UnixMode = 0x21B6).Build(), Expect.Problem(PackageProblemKind.Unsafe, "device, FIFO or socket")),
        new("a directory by mode that is a file by name", () => new IpaBuilder().WithRawEntry(App + "folder", [], spec => spec.UnixMode = 0x41ED).Build(), Expect.Problem(PackageProblemKind.Unsafe, "disagree on whether it is a directory")),
        new("a file that other entries use as a directory", () => Raw(App + "Info.plist/inner"), Expect.Problem(PackageProblemKind.Unsafe, "use it as a directory")),
        new("a bomb by compression ratio", () => new IpaBuilder().WithZipBomb("Assets/zeros.bin", 4 << 20).Build(), Expect.Problem(PackageProblemKind.Unsafe, "zip bomb")),
        new("a bomb by total declared size", () => new IpaBuilder().WithIncompressibleResource("Assets/big.bin", 100_000).Build(), Expect.Problem(PackageProblemKind.Unsafe, "in total"), new ZipLimits { MaxTotalInflatedBytes = 64 * 1024 }),
        new("entries overlapping one another", () => new IpaBuilder().WithAlias(App + "Copy.plist", "Info.plist").Build(), Expect.Problem(PackageProblemKind.Unsafe, "overlaps")),
        new("an Info.plist inflating to more than its declared size", () => new IpaBuilder().WithDeclaredUncompressedSize("Info.plist", 10).Build(), Expect.Problem(PackageProblemKind.Unsafe, "more than the 10 bytes")),
        new("an executable inflating to less than its declared size", () => ExecutableDeclaredLarger(), Expect.Problem(PackageProblemKind.Unsafe, "fewer than")),
        new("a stored entry whose sizes disagree", () => new IpaBuilder().Stored().WithDeclaredUncompressedSize("Info.plist", 3).Build(), Expect.Problem(PackageProblemKind.Unsafe, "Stored entry declares")),
        new("a local header naming another file", () => new IpaBuilder().WithLocalHeaderName("Info.plist", App + "Inf0.plist").Build(), Expect.Problem(PackageProblemKind.Unsafe, "disagrees with the central directory on the name")),
        new("a local header with another size", () => new IpaBuilder().WithLocalHeaderUncompressedSize("Info.plist", 1).Build(), Expect.Problem(PackageProblemKind.Unsafe, "uncompressed size (local 1)")),
        new("a local header with another method", () => new IpaBuilder().WithAppEntry("Info.plist", spec => spec.LocalMethod = 0).Build(), Expect.Problem(PackageProblemKind.Unsafe, "compression method (local 0)")),
        new("a data descriptor with another size", () => new IpaBuilder().WithDataDescriptors().WithLocalHeaderUncompressedSize("Info.plist", 1).Build(), Expect.Problem(PackageProblemKind.Unsafe, "uncompressed size (data descriptor 1)")),
        new("a CRC-32 that does not match the data", () => new IpaBuilder().WithAppEntry("Info.plist", spec => spec.DeclaredCrc32 = 0xDEADBEEF).Build(), Expect.Problem(PackageProblemKind.Invalid, "CRC-32")),
        new("corrupt deflate data in the executable", () => new IpaBuilder().WithAppEntry("Example", spec => spec.CorruptData = true).Build(), Expect.Problem(PackageProblemKind.Invalid, string.Empty)),
        new("an encrypted entry", () => new IpaBuilder().WithAppEntry("Info.plist", spec => spec.ExtraFlags = 1).Build(), Expect.Problem(PackageProblemKind.Invalid, "encrypted")),
        new("an unknown compression method", () => new IpaBuilder().WithAppEntry("Info.plist", spec => spec.Method = 14).Build(), Expect.Problem(PackageProblemKind.Invalid, "compression method 14")),
        new("an executable above the executable limit", () => new IpaBuilder().Build(), Expect.Problem(PackageProblemKind.Unsafe, "more than the 1000 this read allows"), new ZipLimits { MaxExecutableBytes = 1000 }),
        new("an Info.plist above the parsed-file limit", () => new IpaBuilder().Build(), Expect.Problem(PackageProblemKind.Unsafe, "more than the 16 this read allows"), new ZipLimits { MaxParsedEntryBytes = 16 }),
        new("no Payload folder", () => new IpaBuilder().WithoutPayload().Build(), Expect.Problem(PackageProblemKind.Invalid, "no Payload/ folder")),
        new("a Payload folder without an app", () => new IpaBuilder().WithoutPayload().WithRawEntry("Payload/readme.txt", [1]).Build(), Expect.Problem(PackageProblemKind.Invalid, "holds no .app bundle")),
        new("two app bundles", () => new IpaBuilder().WithSecondApp("Other").Build(), Expect.Problem(PackageProblemKind.Invalid, "2 app bundles")),
        new("an empty ZIP archive", () => [0x50, 0x4B, 0x05, 0x06, .. new byte[18]], Expect.Problem(PackageProblemKind.Invalid, "no Payload/ folder")),
    }.ToDictionary(testCase => testCase.Name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_hostile_package_ends_in_a_format_error_or_the_expected_problem(string caseName)
    {
        var testCase = Corpus[caseName];
        var bytes = testCase.Build();

        var (problems, formatError) = OpenAndReadEverything(bytes, testCase.Limits);

        if (testCase.Expected.Kind is null)
        {
            Assert.NotNull(formatError);
            return;
        }

        Assert.Null(formatError);
        Assert.Contains(problems, problem =>
            problem.Kind == testCase.Expected.Kind && problem.Message.Contains(testCase.Expected.Fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void The_hostile_corpus_holds_at_least_25_cases()
    {
        Assert.True(Corpus.Count >= 25, $"{Corpus.Count} cases");
    }

    [Fact]
    public void A_symlinked_info_plist_exists_but_is_never_read()
    {
        using var package = Open(new IpaBuilder().WithoutInfoPlist().WithSymlink("Info.plist", "/etc/passwd").Build());

        Assert.True(package.ContainsAppFile("Info.plist"));
        Assert.Null(package.ReadAppFile("Info.plist"));
        Assert.True(package.IsUnsafe);
        Assert.Equal(App + "Info.plist", Assert.Single(package.Problems).EntryName);
    }

    [Fact]
    public void A_traversal_entry_is_unsafe_and_cannot_be_reached_through_a_relative_path()
    {
        var builder = new IpaBuilder().WithRawEntry(App + "../Example.app/secret", [42]);
        using var package = Open(builder.Build());

        Assert.True(package.IsUnsafe);
        Assert.Null(package.ReadAppFile("../Example.app/secret"));
        Assert.DoesNotContain(package.AppEntryNames, name => name.Contains("secret", StringComparison.Ordinal));
        Assert.NotNull(package.ReadAppFile("Info.plist"));
    }

    [Fact]
    public void Neither_copy_of_a_duplicated_info_plist_is_read()
    {
        using var package = Open(new IpaBuilder().WithDuplicateEntry("Info.plist", [1, 2, 3]).Build());

        Assert.Null(package.ReadAppFile("Info.plist"));
        Assert.Single(package.Problems, problem => problem.Message.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void A_declared_ratio_bomb_is_refused_before_a_byte_is_inflated()
    {
        using var package = Open(new IpaBuilder().WithZipBomb("Assets/zeros.bin", 4 << 20).Build());

        Assert.True(package.IsUnsafe);
        Assert.Null(package.OpenAppFile("Assets/zeros.bin"));
    }

    [Fact]
    public void A_ratio_bomb_hidden_behind_a_small_declared_size_stops_at_the_declared_size()
    {
        var builder = new IpaBuilder().WithZipBomb("Assets/zeros.bin", 8 << 20).WithDeclaredUncompressedSize("Assets/zeros.bin", 5000);
        using var package = Open(builder.Build());
        Assert.False(package.IsUnsafe);

        using var stream = package.OpenAppFile("Assets/zeros.bin")!;
        var error = Assert.Throws<PackageFormatException>(() => stream.CopyTo(Stream.Null));

        Assert.Contains("more than the 5000 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(package.IsUnsafe);
    }

    [Fact]
    public void The_ratio_is_checked_on_real_bytes_while_inflating()
    {
        // Declared honestly small compressed size but a lying uncompressed size below the ratio threshold:
        // the real inflation crosses the ratio while the stream is read.
        var builder = new IpaBuilder().WithZipBomb("Assets/zeros.bin", 3 << 20).WithDeclaredUncompressedSize("Assets/zeros.bin", 3 << 20);
        var limits = new ZipLimits { MinBytesForRatioCheck = 64 * 1024, MaxCompressionRatio = 200 };
        using var package = Open(builder.Build(), limits);

        Assert.Null(package.OpenAppFile("Assets/zeros.bin"));
        Assert.Contains(package.Problems, problem => problem.Message.Contains("zip bomb", StringComparison.Ordinal));
    }

    [Fact]
    public void An_executable_that_lies_about_its_size_throws_mid_read_and_records_the_lie()
    {
        using var package = Open(new IpaBuilder().WithDeclaredUncompressedSize("Example", 1000).Build());

        using var stream = package.OpenAppFile("Example")!;
        Assert.Equal(1000, stream.Length);
        var buffer = new byte[1000];
        stream.ReadExactly(buffer);
        Assert.Throws<PackageFormatException>(() => stream.ReadByte());

        var problem = Assert.Single(package.Problems);
        Assert.Equal(PackageProblemKind.Unsafe, problem.Kind);
        Assert.Equal(App + "Example", problem.EntryName);
    }

    [Fact]
    public void Reading_past_the_total_inflation_budget_is_unsafe_even_when_every_entry_is_honest()
    {
        var executable = EntryContent.Incompressible(40_000, seed: 3).ToArray();
        var limits = new ZipLimits { MaxTotalInflatedBytes = 100_000 };
        using var package = Open(new IpaBuilder().WithExecutable(executable).Build(), limits);
        Assert.False(package.IsUnsafe);

        ReadFully(package.OpenAppFile("Example")!);
        ReadFully(package.OpenAppFile("Example")!);
        Assert.Throws<PackageFormatException>(() => ReadFully(package.OpenAppFile("Example")!));

        Assert.True(package.IsUnsafe);
        Assert.Contains(package.Problems, problem => problem.Message.Contains("inflated more than the limit", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_header_naming_another_file_is_unsafe_yet_the_central_directory_view_is_still_read()
    {
        var builder = new IpaBuilder().WithLocalHeaderName("Info.plist", App + "Inf0.plist");
        using var package = Open(builder.Build());
        Assert.False(package.IsUnsafe);

        Assert.Equal(builder.InfoPlistBytes, package.ReadAppFile("Info.plist"));

        Assert.True(package.IsUnsafe);
        Assert.Contains("Inf0.plist", Assert.Single(package.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_found_on_every_read_is_listed_once()
    {
        using var package = Open(new IpaBuilder().WithDeclaredUncompressedSize("Info.plist", 10).Build());

        Assert.Null(package.ReadAppFile("Info.plist"));
        Assert.Null(package.ReadAppFile("Info.plist"));

        Assert.Single(package.Problems);
    }

    [Fact]
    public void Thousands_of_unsafe_entries_list_a_bounded_number_of_problems()
    {
        var builder = new IpaBuilder();
        for (var i = 0; i < 1500; i++)
        {
            builder.WithRawEntry($"../evil{i}", [], spec => spec.Method = ZipEntrySpec.Stored);
        }

        using var package = Open(builder.Build());

        Assert.True(package.IsUnsafe);
        Assert.Equal(1000, package.Problems.Count);
        Assert.Contains("not listed", package.Problems[^1].Message, StringComparison.Ordinal);
    }

    /// <summary>Opens the package and makes every read a scan makes; returns the problems, or the format error.</summary>
    private static (IReadOnlyList<PackageProblem> Problems, PackageFormatException? FormatError) OpenAndReadEverything(byte[] bytes, ZipLimits? limits)
    {
        IpaPackage package;
        try
        {
            package = Open(bytes, limits);
        }
        catch (PackageFormatException exception)
        {
            return ([], exception);
        }

        using (package)
        {
            foreach (var file in new[] { "Info.plist", "embedded.mobileprovision", "_CodeSignature/CodeResources" })
            {
                _ = package.ReadAppFile(file);
            }

            foreach (var name in package.AppEntryNames.ToList())
            {
                if (package.OpenAppFile(name) is { } stream)
                {
                    try
                    {
                        ReadFully(stream);
                    }
                    catch (PackageFormatException)
                    {
                        // Recorded as a problem; the corpus checks the problem list.
                    }
                }
            }

            foreach (var extension in package.Extensions)
            {
                _ = package.ReadExtensionFile(extension, "Info.plist");
            }

            return (package.Problems, null);
        }
    }

    private static void ReadFully(Stream stream)
    {
        using (stream)
        {
            stream.CopyTo(Stream.Null);
        }
    }

    private static IpaPackage Open(byte[] bytes, ZipLimits? limits = null) =>
        IpaPackage.Open(new MemoryStream(bytes, writable: false), limits);

    private static byte[] Raw(string name) => new IpaBuilder().WithRawEntry(name, Encoding.UTF8.GetBytes("payload")).Build();

    private static byte[] WithDeclaredCount(int difference)
    {
        var builder = new IpaBuilder();
        return builder.WithDeclaredEntryCount(builder.Entries().Count + difference).Build();
    }

    private static byte[] MultiDisk()
    {
        var bytes = new IpaBuilder().Build();
        bytes[bytes.Length - 22 + 4] = 1;
        return bytes;
    }

    private static byte[] NormalisationTwins() => new IpaBuilder()
        .WithResource("Base.lproj/caf\u00E9.strings", [1])
        .WithResource("Base.lproj/cafe\u0301.strings", [2])
        .Build();

    private static byte[] ExecutableDeclaredLarger()
    {
        var builder = new IpaBuilder();
        return builder.WithDeclaredUncompressedSize("Example", builder.ExecutableBytes.Length + 1000).Build();
    }

    private sealed record HostileCase(string Name, Func<byte[]> Build, Expect Expected, ZipLimits? Limits = null);

    /// <summary>A format error (no kind), or a problem of this kind whose message contains the fragment.</summary>
    private sealed record Expect(PackageProblemKind? Kind, string Fragment)
    {
        public static Expect FormatError { get; } = new(null, string.Empty);

        public static Expect Problem(PackageProblemKind kind, string fragment) => new(kind, fragment);
    }
}
