using System.Reflection;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Ipa;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Ipa;

public sealed class IpaPackageTests
{
    private static readonly byte[] Profile = Encoding.ASCII.GetBytes("0\x82 stand-in CMS SignedData of a provisioning profile");
    private static readonly byte[] CodeResources = PlistWriter.ToXml(IpaBuilder.Dictionary(("files", PlistDictionary.Empty)));

    [Fact]
    public void A_binary_info_plist_reads_back_byte_for_byte_and_parses()
    {
        var builder = new IpaBuilder("Bank").WithInfoPlist(IpaBuilder.DefaultInfoPlist("Bank", "com.example.bank"));
        using var package = Open(builder.Build());

        var bytes = package.ReadAppFile("Info.plist");

        Assert.Equal(builder.InfoPlistBytes, bytes);
        var document = PlistReader.Read(bytes);
        Assert.Equal(PlistFormat.Binary, document.Format);
        Assert.Equal("com.example.bank", ((PlistDictionary)document.Root).GetString("CFBundleIdentifier"));
        Assert.Equal("Payload/Bank.app/", package.AppDirectory);
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void An_xml_info_plist_reads_back_byte_for_byte()
    {
        var builder = new IpaBuilder().WithInfoPlist(IpaBuilder.DefaultInfoPlist("Example"), PlistFormat.Xml);
        using var package = Open(builder.Build());

        var bytes = package.ReadAppFile("Info.plist");

        Assert.Equal(builder.InfoPlistBytes, bytes);
        Assert.Equal(PlistFormat.Xml, PlistReader.Read(bytes).Format);
    }

    [Fact]
    public void The_executable_streams_back_exactly_with_its_declared_length()
    {
        var executable = EntryContent.Incompressible(300_000, seed: 5).ToArray();
        using var package = Open(new IpaBuilder().WithExecutable(executable).Build());

        using var stream = package.OpenAppFile("Example")!;

        Assert.Equal(executable.Length, stream.Length);
        Assert.Equal(executable, ReadAll(stream));
        Assert.Empty(package.Problems);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_executable_stream_seeks_forward_and_back_as_the_mach_o_reader_needs(bool stored)
    {
        var executable = EntryContent.Incompressible(200_000, seed: 9).ToArray();
        var builder = new IpaBuilder().WithExecutable(executable);
        using var package = Open((stored ? builder.Stored() : builder).Build());
        using var stream = package.OpenAppFile("Example")!;
        var window = new byte[64];

        stream.Position = 150_000;
        stream.ReadExactly(window);
        Assert.Equal(executable.AsSpan(150_000, 64).ToArray(), window);

        stream.Seek(-100_000, SeekOrigin.End);
        stream.ReadExactly(window);
        Assert.Equal(executable.AsSpan(100_000, 64).ToArray(), window);

        stream.Position = 0;
        Assert.Equal(executable, ReadAll(stream));
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void The_profile_and_code_resources_read_back_exactly()
    {
        using var package = Open(new IpaBuilder().WithProvisioningProfile(Profile).WithCodeResources(CodeResources).Build());

        Assert.Equal(Profile, package.ReadAppFile("embedded.mobileprovision"));
        Assert.Equal(CodeResources, package.ReadAppFile("_CodeSignature/CodeResources"));
    }

    [Fact]
    public void Extensions_are_listed_and_their_files_read_back()
    {
        var builder = new IpaBuilder("Bank")
            .WithExtension("Share", extension => extension.WithProvisioningProfile(Profile))
            .WithExtension("Widget");
        using var package = Open(builder.Build());

        Assert.Equal(["PlugIns/Share.appex/", "PlugIns/Widget.appex/"], package.Extensions);
        var info = (PlistDictionary)PlistReader.Read(package.ReadExtensionFile("PlugIns/Share.appex/", "Info.plist")).Root;
        Assert.Equal("com.example.bank.share", info.GetString("CFBundleIdentifier"));
        Assert.Equal(Profile, package.ReadExtensionFile("PlugIns/Share.appex/", "embedded.mobileprovision"));
        using var executable = package.OpenExtensionFile("PlugIns/Widget.appex/", "Widget")!;
        Assert.Equal(EntryContent.Incompressible(2048, seed: "Widget".Length + 11).ToArray(), ReadAll(executable));
    }

    [Fact]
    public void Asking_for_a_file_of_an_extension_the_package_lacks_is_a_caller_error()
    {
        using var package = Open(new IpaBuilder().WithExtension("Share").Build());

        Assert.Throws<ArgumentException>(() => package.ReadExtensionFile("PlugIns/Other.appex/", "Info.plist"));
    }

    [Fact]
    public void App_entry_names_list_the_apps_files_relative_to_the_bundle()
    {
        var builder = new IpaBuilder()
            .WithProvisioningProfile(Profile)
            .WithCodeResources(CodeResources)
            .WithExtension("Share")
            .WithResource("Base.lproj/Main.strings", [1, 2])
            .WithTopLevelFile("iTunesMetadata.plist", [3]);
        using var package = Open(builder.Build());

        Assert.Equal(
            [
                "Info.plist", "Example", "embedded.mobileprovision", "_CodeSignature/CodeResources",
                "PlugIns/Share.appex/Info.plist", "PlugIns/Share.appex/Share", "Base.lproj/Main.strings",
            ],
            package.AppEntryNames);
    }

    [Fact]
    public void The_declared_total_is_the_sum_of_the_entries_sizes()
    {
        var builder = new IpaBuilder().WithResource("a.bin", new byte[1000]).WithResource("b.bin", new byte[234]);
        using var package = Open(builder.Build());

        Assert.Equal(builder.InfoPlistBytes.Length + builder.ExecutableBytes.Length + 1234, package.TotalDeclaredInflatedBytes);
    }

    [Fact]
    public void A_zip64_package_reads_like_any_other()
    {
        var builder = new IpaBuilder().WithZip64().WithExtension("Share");
        using var package = Open(builder.Build());

        Assert.Empty(package.Problems);
        Assert.Equal(builder.InfoPlistBytes, package.ReadAppFile("Info.plist"));
        Assert.Equal(builder.ExecutableBytes, ReadAll(package.OpenAppFile("Example")!));
        Assert.Equal(["PlugIns/Share.appex/"], package.Extensions);
    }

    [Fact]
    public void A_package_written_with_data_descriptors_reads_like_any_other()
    {
        var builder = new IpaBuilder().WithDataDescriptors();
        using var package = Open(builder.Build());

        Assert.Equal(builder.InfoPlistBytes, package.ReadAppFile("Info.plist"));
        Assert.Equal(builder.ExecutableBytes, ReadAll(package.OpenAppFile("Example")!));
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void A_zip64_package_with_data_descriptors_reads_like_any_other()
    {
        var builder = new IpaBuilder().WithZip64().WithDataDescriptors();
        using var package = Open(builder.Build());

        Assert.Equal(builder.InfoPlistBytes, package.ReadAppFile("Info.plist"));
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void A_package_without_directory_entries_still_finds_its_app_and_extensions()
    {
        var builder = new IpaBuilder().WithDirectoryEntries(false).WithExtension("Share");
        using var package = Open(builder.Build());

        Assert.Equal("Payload/Example.app/", package.AppDirectory);
        Assert.Equal(["PlugIns/Share.appex/"], package.Extensions);
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void A_package_of_directories_only_has_an_app_but_no_files()
    {
        var bytes = Archive(
            new ZipEntrySpec { Name = "Payload/" },
            new ZipEntrySpec { Name = "Payload/Empty.app/" },
            new ZipEntrySpec { Name = "Payload/Empty.app/PlugIns/" },
            new ZipEntrySpec { Name = "Payload/Empty.app/PlugIns/Share.appex/" });
        using var package = Open(bytes);

        Assert.Equal("Payload/Empty.app/", package.AppDirectory);
        Assert.Equal(["PlugIns/Share.appex/"], package.Extensions);
        Assert.Empty(package.AppEntryNames);
        Assert.Null(package.ReadAppFile("Info.plist"));
        Assert.Null(package.ReadAppFile("PlugIns/"));
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void A_missing_info_plist_is_no_package_problem_the_caller_decides()
    {
        using var package = Open(new IpaBuilder().WithoutInfoPlist().Build());

        Assert.False(package.ContainsAppFile("Info.plist"));
        Assert.Null(package.ReadAppFile("Info.plist"));
        Assert.Empty(package.Problems);
        Assert.False(package.IsUnsafe);
    }

    [Fact]
    public void A_relative_path_is_matched_after_unicode_normalisation()
    {
        using var package = Open(new IpaBuilder().WithResource("Base.lproj/cafe\u0301.strings", [7]).Build());

        Assert.Equal([7], package.ReadAppFile("Base.lproj/caf\u00E9.strings"));
        Assert.Null(package.ReadAppFile("bad \uD800 path"));
    }

    [Fact]
    public void A_built_package_opens_in_zip_archive_with_the_same_names_and_content()
    {
        var builder = new IpaBuilder().WithProvisioningProfile(Profile).WithExtension("Share").WithResource("a.txt", Encoding.UTF8.GetBytes("hello"));
        var bytes = builder.Build();

        using var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        using var package = Open(bytes);

        var files = archive.Entries.Where(entry => !entry.FullName.EndsWith('/')).ToList();
        Assert.Equal(files.Select(entry => entry.FullName[package.AppDirectory!.Length..]), package.AppEntryNames);
        foreach (var entry in files)
        {
            using var expected = entry.Open();
            Assert.Equal(ReadAll(expected), package.ReadAppFile(entry.FullName[package.AppDirectory!.Length..]));
        }
    }

    [Fact]
    public void Streaming_a_20_mib_entry_allocates_only_small_buffers()
    {
        var content = EntryContent.Incompressible(20 << 20, seed: 21);
        var bytes = new IpaBuilder().WithResource("Assets.car", content).Build();
        using var package = Open(bytes);
        using var stream = package.OpenAppFile("Assets.car")!;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];

        var before = GC.GetAllocatedBytesForCurrentThread();
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated while streaming 20 MiB");
        Assert.Equal(SHA256.HashData(content.ToArray()), hash.GetHashAndReset());
        Assert.Empty(package.Problems);
    }

    [Fact]
    public void A_50_mb_package_on_disk_is_opened_and_read_through_a_file_stream()
    {
        var directory = Directory.CreateTempSubdirectory("ipa-tests-");
        try
        {
            var builder = new IpaBuilder("Big")
                .WithIncompressibleResource("Assets.car", 48 << 20, seed: 4)
                .WithExecutable(EntryContent.Incompressible(2 << 20, seed: 6).ToArray());
            var path = builder.WriteToFile(Path.Combine(directory.FullName, "big.ipa"));

            using var package = IpaPackage.Open(File.OpenRead(path));

            Assert.True(new FileInfo(path).Length > 50_000_000);
            Assert.Equal(builder.InfoPlistBytes, package.ReadAppFile("Info.plist"));
            using (var executable = package.OpenAppFile("Big")!)
            {
                Assert.Equal(SHA256.HashData(builder.ExecutableBytes), SHA256.HashData(executable));
            }

            Assert.Equal(48L << 20, Drain(package.OpenAppFile("Assets.car")!));
            Assert.Empty(package.Problems);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Disposing_the_package_disposes_its_stream_unless_asked_to_leave_it_open()
    {
        var bytes = new IpaBuilder().Build();
        var owned = new MemoryStream(bytes);
        var borrowed = new MemoryStream(bytes);

        IpaPackage.Open(owned).Dispose();
        IpaPackage.Open(borrowed, leaveOpen: true).Dispose();

        Assert.False(owned.CanRead);
        Assert.True(borrowed.CanRead);
    }

    [Fact]
    public void A_disposed_package_refuses_reads()
    {
        var package = Open(new IpaBuilder().Build());
        package.Dispose();

        Assert.Throws<ObjectDisposedException>(() => package.ReadAppFile("Info.plist"));
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_refused()
    {
        Assert.Throws<ArgumentException>(() => IpaPackage.Open(new ForwardOnlyStream(new IpaBuilder().Build())));
    }

    [Fact]
    public void A_failed_open_leaves_the_callers_stream_open()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("not a zip"));

        Assert.Throws<PackageFormatException>(() => IpaPackage.Open(stream));

        Assert.True(stream.CanRead);
    }

    [Fact]
    public void The_package_reader_calls_no_file_system_api()
    {
        // It reads a stream it is given and never extracts: no File, Directory, FileStream or temp path.
        string[] forbidden = ["File", "FileInfo", "FileStream", "Directory", "DirectoryInfo", "Path", "FileSystemInfo", "ZipFile", "ZipFileExtensions"];
        var called = CalledTypes(typeof(IpaPackage).Assembly.GetTypes().Where(t => t.Namespace == typeof(IpaPackage).Namespace)).ToList();

        Assert.Contains(called, t => t.Name == "DeflateStream");
        Assert.DoesNotContain(called, t => t.Namespace is "System.IO" or "System.IO.Compression" && forbidden.Contains(t.Name));
    }

    /// <summary>The declaring types of every method the types' IL calls or constructs (call, callvirt, newobj).</summary>
    private static IEnumerable<Type> CalledTypes(IEnumerable<Type> types)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
                for (var i = 0; i + 4 < il.Length; i++)
                {
                    if (il[i] is not (0x28 or 0x6F or 0x73))
                    {
                        continue;
                    }

                    MethodBase? target = null;
                    try
                    {
                        target = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), type.IsGenericType ? type.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
                    }
                    catch (ArgumentException)
                    {
                        // A byte inside another instruction's operand that looked like an opcode.
                    }

                    if (target?.DeclaringType is { } declaring)
                    {
                        yield return declaring;
                    }
                }
            }
        }
    }

    private static IpaPackage Open(byte[] bytes) => IpaPackage.Open(new MemoryStream(bytes, writable: false));

    private static byte[] Archive(params ZipEntrySpec[] entries)
    {
        using var output = new MemoryStream();
        new ZipArchiveWriter().Write(output, entries);
        return output.ToArray();
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static long Drain(Stream stream)
    {
        using (stream)
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
