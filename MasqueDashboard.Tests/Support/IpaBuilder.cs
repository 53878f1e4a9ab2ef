using System.Text;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// Builds <c>.ipa</c> packages for the scanner's tests: an honest layout by default
/// (<c>Payload/Name.app/</c> with Info.plist, executable, optional profile, CodeResources, extensions and
/// resources, directory entries first as <c>ditto</c> writes them), plus every hostile variation the package
/// reader must survive. Hostile variations are written byte by byte by <see cref="ZipArchiveWriter"/>.
/// </summary>
public sealed class IpaBuilder
{
    private readonly List<ExtensionBuilder> _extensions = [];
    private readonly List<(string Path, EntryContent Content)> _resources = [];
    private readonly List<(string Path, EntryContent Content)> _topLevelFiles = [];
    private readonly List<ZipEntrySpec> _rawEntries = [];
    private readonly List<(string Alias, string Target)> _aliases = [];
    private readonly Dictionary<string, List<Action<ZipEntrySpec>>> _tweaks = new(StringComparer.Ordinal);
    private readonly List<string> _secondApps = [];
    private string _appName;
    private PlistDictionary? _infoPlist;
    private PlistFormat _infoPlistFormat = PlistFormat.Binary;
    private byte[]? _infoPlistBytes;
    private bool _withoutInfoPlist;
    private byte[]? _executable;
    private byte[]? _profile;
    private byte[]? _codeResources;
    private bool _directoryEntries = true;
    private ushort _method = ZipEntrySpec.Deflated;
    private bool _zip64;
    private bool _dataDescriptors;
    private bool _withoutPayload;
    private int? _declaredEntryCount;
    private int _truncateBy;
    private int _cutCentralDirectoryBy;

    public IpaBuilder(string appName = "Example")
    {
        _appName = appName;
    }

    /// <summary>The app's folder inside the archive, e.g. <c>Payload/Example.app/</c>.</summary>
    public string AppDirectory => (_withoutPayload ? string.Empty : "Payload/") + _appName + ".app/";

    public string BundleIdentifier => InfoPlist.GetString("CFBundleIdentifier") ?? DefaultBundleIdentifier(_appName);

    /// <summary>The executable's name: <c>CFBundleExecutable</c> when the Info.plist names one, else the app name.</summary>
    public string ExecutableName => InfoPlist.GetString("CFBundleExecutable") ?? _appName;

    public PlistDictionary InfoPlist => _infoPlist ?? DefaultInfoPlist(_appName);

    /// <summary>The Info.plist bytes exactly as the package will hold them.</summary>
    public byte[] InfoPlistBytes => _infoPlistBytes ??
        (_infoPlistFormat == PlistFormat.Xml ? PlistWriter.ToXml(InfoPlist) : PlistWriter.ToBinary(InfoPlist));

    /// <summary>The executable bytes the package will hold (a deterministic stand-in unless one was given).</summary>
    public byte[] ExecutableBytes => _executable ??= EntryContent.Incompressible(4096, seed: 7).ToArray();

    public static string DefaultBundleIdentifier(string appName) =>
        "com.example." + new string(appName.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();

    public static PlistDictionary DefaultInfoPlist(string appName, string? bundleIdentifier = null) => Dictionary(
        ("CFBundleIdentifier", new PlistString(bundleIdentifier ?? DefaultBundleIdentifier(appName))),
        ("CFBundleExecutable", new PlistString(appName)),
        ("CFBundleName", new PlistString(appName)),
        ("CFBundlePackageType", new PlistString("APPL")),
        ("CFBundleShortVersionString", new PlistString("1.0")),
        ("CFBundleVersion", new PlistString("1")),
        ("MinimumOSVersion", new PlistString("12.0")));

    public static PlistDictionary Dictionary(params (string Key, PlistNode Value)[] entries) =>
        new(entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));

    /// <summary>Sets the bundle name; call it before the options that name app entries (raw entries, links, aliases).</summary>
    public IpaBuilder WithAppName(string appName)
    {
        _appName = appName;
        return this;
    }

    public IpaBuilder WithInfoPlist(PlistDictionary infoPlist, PlistFormat format = PlistFormat.Binary)
    {
        _infoPlist = infoPlist;
        _infoPlistFormat = format;
        return this;
    }

    /// <summary>Info.plist bytes as given, e.g. a malformed plist.</summary>
    public IpaBuilder WithInfoPlistBytes(byte[] bytes)
    {
        _infoPlistBytes = bytes;
        return this;
    }

    public IpaBuilder WithoutInfoPlist()
    {
        _withoutInfoPlist = true;
        return this;
    }

    /// <summary>The main executable (e.g. Mach-O bytes from the Mach-O builder), named by <see cref="ExecutableName"/>.</summary>
    public IpaBuilder WithExecutable(byte[] bytes)
    {
        _executable = bytes;
        return this;
    }

    public IpaBuilder WithProvisioningProfile(byte[] bytes)
    {
        _profile = bytes;
        return this;
    }

    public IpaBuilder WithCodeResources(byte[] bytes)
    {
        _codeResources = bytes;
        return this;
    }

    public IpaBuilder WithExtension(string name, Action<ExtensionBuilder>? configure = null)
    {
        var extension = new ExtensionBuilder(name, this);
        configure?.Invoke(extension);
        _extensions.Add(extension);
        return this;
    }

    public IpaBuilder WithResource(string relativePath, byte[] bytes) => WithResource(relativePath, EntryContent.Of(bytes));

    public IpaBuilder WithResource(string relativePath, EntryContent content)
    {
        _resources.Add((relativePath, content));
        return this;
    }

    /// <summary>A large resource deflate cannot shrink, streamed as it is written: for the 50 MB benchmark package.</summary>
    public IpaBuilder WithIncompressibleResource(string relativePath, long length, int seed = 1) =>
        WithResource(relativePath, EntryContent.Incompressible(length, seed));

    /// <summary>A file outside Payload/ (iTunesMetadata.plist, iTunesArtwork, SwiftSupport/…).</summary>
    public IpaBuilder WithTopLevelFile(string path, byte[] bytes)
    {
        _topLevelFiles.Add((path, EntryContent.Of(bytes)));
        return this;
    }

    public IpaBuilder WithDirectoryEntries(bool include)
    {
        _directoryEntries = include;
        return this;
    }

    /// <summary>Store every entry instead of deflating it.</summary>
    public IpaBuilder Stored()
    {
        _method = ZipEntrySpec.Stored;
        return this;
    }

    /// <summary>ZIP64 extras on every entry and the ZIP64 end records, as a tool writing a 4 GiB+ package would.</summary>
    public IpaBuilder WithZip64()
    {
        _zip64 = true;
        return this;
    }

    /// <summary>Sizes and CRC in data descriptors after each entry (general-purpose bit 3), as streaming writers emit.</summary>
    public IpaBuilder WithDataDescriptors()
    {
        _dataDescriptors = true;
        return this;
    }

    /// <summary>Adds an entry with any name and any lie; <paramref name="configure"/> sets the hostile fields.</summary>
    public IpaBuilder WithRawEntry(string name, byte[] content, Action<ZipEntrySpec>? configure = null)
    {
        var spec = new ZipEntrySpec { Name = name, Content = EntryContent.Of(content), Method = _method };
        configure?.Invoke(spec);
        _rawEntries.Add(spec);
        return this;
    }

    /// <summary>Changes the entry the builder writes for an app file (e.g. <c>Info.plist</c>) before it is written.</summary>
    public IpaBuilder WithAppEntry(string relativePath, Action<ZipEntrySpec> configure)
    {
        if (!_tweaks.TryGetValue(relativePath, out var list))
        {
            _tweaks[relativePath] = list = [];
        }

        list.Add(configure);
        return this;
    }

    /// <summary>An entry climbing out of the app with <c>..</c> segments.</summary>
    public IpaBuilder WithTraversalEntry(string relativeName = "../../../../private/var/mobile/evil.dylib") =>
        WithRawEntry(AppDirectory + relativeName, Encoding.UTF8.GetBytes("traversal"));

    /// <summary>An entry with an absolute name.</summary>
    public IpaBuilder WithAbsoluteEntry(string name = "/private/var/mobile/evil.dylib") =>
        WithRawEntry(name, Encoding.UTF8.GetBytes("absolute"));

    /// <summary>An app entry whose name separates folders with backslashes, as a Windows tool might write it.</summary>
    public IpaBuilder WithBackslashEntry(string relativeName = "Frameworks\\evil.dylib") =>
        WithRawEntry(AppDirectory.Replace('/', '\\') + relativeName, Encoding.UTF8.GetBytes("backslash"));

    /// <summary>A second entry of an app file's name (e.g. another <c>Info.plist</c>) with other content.</summary>
    public IpaBuilder WithDuplicateEntry(string relativePath, byte[] content) =>
        WithRawEntry(AppDirectory + relativePath, content);

    /// <summary>An app entry that is a symbolic link (Unix mode 0120777) whose content is the target path.</summary>
    public IpaBuilder WithSymlink(string relativePath, string target) =>
        WithRawEntry(AppDirectory + relativePath, Encoding.UTF8.GetBytes(target), spec =>
        {
            spec.UnixMode = 0xA1FF;
            spec.Method = ZipEntrySpec.Stored;
        });

    /// <summary>A highly compressible app resource: <paramref name="inflatedBytes"/> zeros deflate about 1000:1.</summary>
    public IpaBuilder WithZipBomb(string relativePath, long inflatedBytes) =>
        WithResource(relativePath, EntryContent.Repeated(0, inflatedBytes));

    /// <summary>The central directory and local header both claim <paramref name="declared"/> bytes uncompressed.</summary>
    public IpaBuilder WithDeclaredUncompressedSize(string relativePath, long declared) =>
        WithAppEntry(relativePath, spec => spec.DeclaredUncompressedSize = declared);

    /// <summary>The local header names the entry <paramref name="localName"/>; the central directory keeps the real name.</summary>
    public IpaBuilder WithLocalHeaderName(string relativePath, string localName) =>
        WithAppEntry(relativePath, spec => spec.LocalName = localName);

    /// <summary>Only the local header claims <paramref name="uncompressed"/> bytes.</summary>
    public IpaBuilder WithLocalHeaderUncompressedSize(string relativePath, long uncompressed) =>
        WithAppEntry(relativePath, spec => spec.LocalUncompressedSize = uncompressed);

    /// <summary>Another central-directory record named <paramref name="aliasName"/> pointing at an app file's local header.</summary>
    public IpaBuilder WithAlias(string aliasName, string targetRelativePath)
    {
        _aliases.Add((aliasName, AppDirectory + targetRelativePath));
        return this;
    }

    /// <summary>A second bundle <c>Payload/Name.app/</c> with its own Info.plist.</summary>
    public IpaBuilder WithSecondApp(string appName)
    {
        _secondApps.Add(appName);
        return this;
    }

    /// <summary>Puts the app at the top level (<c>Name.app/</c>) instead of under Payload/.</summary>
    public IpaBuilder WithoutPayload()
    {
        _withoutPayload = true;
        return this;
    }

    /// <summary>The end record claims this many entries whatever the central directory holds.</summary>
    public IpaBuilder WithDeclaredEntryCount(int count)
    {
        _declaredEntryCount = count;
        return this;
    }

    /// <summary>Cuts <paramref name="bytes"/> off the end of the finished archive, as an interrupted download does.</summary>
    public IpaBuilder TruncatedBy(int bytes)
    {
        _truncateBy = bytes;
        return this;
    }

    /// <summary>Removes <paramref name="bytes"/> from the middle of the central directory, leaving the end record as written.</summary>
    public IpaBuilder WithCentralDirectoryCutBy(int bytes)
    {
        _cutCentralDirectoryBy = bytes;
        return this;
    }

    public byte[] Build()
    {
        using var output = new MemoryStream();
        WriteTo(output);
        return output.ToArray();
    }

    /// <summary>Writes the package to a new file, streaming large content; returns the path.</summary>
    public string WriteToFile(string path)
    {
        using (var output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            WriteTo(output);
        }

        return path;
    }

    /// <summary>Writes the package to a seekable stream, from its current position.</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = Entries();
        var aliases = _aliases
            .Select(alias => (alias.Alias, entries.FindIndex(entry => entry.Name == alias.Target)))
            .ToList();
        if (aliases.Any(alias => alias.Item2 < 0))
        {
            throw new InvalidOperationException("An alias names an app file the package does not hold.");
        }

        var writer = new ZipArchiveWriter
        {
            Zip64 = _zip64,
            DataDescriptors = _dataDescriptors,
            DeclaredEntryCount = _declaredEntryCount,
            Aliases = aliases,
        };

        if (_truncateBy == 0 && _cutCentralDirectoryBy == 0)
        {
            writer.Write(output, entries);
            return;
        }

        using var buffer = new MemoryStream();
        writer.Write(buffer, entries);
        var bytes = buffer.ToArray();
        if (_cutCentralDirectoryBy > 0)
        {
            bytes = CutCentralDirectory(bytes, _cutCentralDirectoryBy);
        }

        output.Write(bytes, 0, Math.Max(0, bytes.Length - _truncateBy));
    }

    /// <summary>The entries in the order they will be written, with every tweak applied.</summary>
    public List<ZipEntrySpec> Entries()
    {
        var entries = new List<ZipEntrySpec>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var app = AppDirectory;
        void Add(string name, EntryContent content)
        {
            AddDirectoriesFor(name);
            var spec = new ZipEntrySpec { Name = name, Content = content, Method = _method };
            if (name.StartsWith(app, StringComparison.Ordinal) && _tweaks.TryGetValue(name[app.Length..], out var tweaks))
            {
                tweaks.ForEach(tweak => tweak(spec));
            }

            entries.Add(spec);
        }

        void AddDirectoriesFor(string name)
        {
            if (!_directoryEntries)
            {
                return;
            }

            for (var slash = name.IndexOf('/', StringComparison.Ordinal); slash >= 0 && slash < name.Length - 1; slash = name.IndexOf('/', slash + 1))
            {
                var directory = name[..(slash + 1)];
                if (directories.Add(directory))
                {
                    entries.Add(new ZipEntrySpec { Name = directory, Method = ZipEntrySpec.Stored });
                }
            }
        }

        if (!_withoutInfoPlist)
        {
            Add(app + "Info.plist", EntryContent.Of(InfoPlistBytes));
        }

        Add(app + ExecutableName, EntryContent.Of(ExecutableBytes));
        if (_profile is not null)
        {
            Add(app + "embedded.mobileprovision", EntryContent.Of(_profile));
        }

        if (_codeResources is not null)
        {
            Add(app + "_CodeSignature/CodeResources", EntryContent.Of(_codeResources));
        }

        foreach (var extension in _extensions)
        {
            foreach (var (path, content) in extension.Files())
            {
                Add(app + extension.Directory + path, content);
            }
        }

        foreach (var (path, content) in _resources)
        {
            Add(app + path, content);
        }

        foreach (var name in _secondApps)
        {
            Add($"Payload/{name}.app/Info.plist", EntryContent.Of(PlistWriter.ToBinary(DefaultInfoPlist(name))));
        }

        foreach (var (path, content) in _topLevelFiles)
        {
            Add(path, content);
        }

        entries.AddRange(_rawEntries);

        return entries;
    }

    /// <summary>Drops bytes from the middle of the central directory; the end record still claims the old size and offset.</summary>
    private static byte[] CutCentralDirectory(byte[] archive, int count)
    {
        var end = archive.Length - 22;
        var directoryOffset = (int)BitConverter.ToUInt32(archive, end + 16);
        var directorySize = (int)BitConverter.ToUInt32(archive, end + 12);
        var cutAt = directoryOffset + (directorySize / 2);
        count = Math.Min(count, directorySize / 2);
        return [.. archive.AsSpan(0, cutAt), .. archive.AsSpan(cutAt + count)];
    }

    /// <summary>An app extension under <c>PlugIns/Name.appex/</c>, with its own Info.plist, executable and profile.</summary>
    public sealed class ExtensionBuilder
    {
        private readonly IpaBuilder _host;
        private readonly List<(string Path, EntryContent Content)> _files = [];
        private PlistDictionary? _infoPlist;
        private PlistFormat _format = PlistFormat.Binary;
        private byte[]? _executable;
        private byte[]? _profile;

        internal ExtensionBuilder(string name, IpaBuilder host)
        {
            Name = name;
            _host = host;
        }

        public string Name { get; }

        /// <summary>Relative to the app, as <see cref="MasqueDashboard.Features.Scanning.Ipa.IpaPackage.Extensions"/> lists it.</summary>
        public string Directory => $"PlugIns/{Name}.appex/";

        public PlistDictionary InfoPlist => _infoPlist ?? Dictionary(
            ("CFBundleIdentifier", new PlistString(_host.BundleIdentifier + "." + Name.ToLowerInvariant())),
            ("CFBundleExecutable", new PlistString(Name)),
            ("CFBundlePackageType", new PlistString("XPC!")),
            ("NSExtension", Dictionary(("NSExtensionPointIdentifier", new PlistString("com.apple.share-services")))));

        public byte[] InfoPlistBytes => _format == PlistFormat.Xml ? PlistWriter.ToXml(InfoPlist) : PlistWriter.ToBinary(InfoPlist);

        public byte[] ExecutableBytes => _executable ??= EntryContent.Incompressible(2048, seed: Name.Length + 11).ToArray();

        public string ExecutableName => InfoPlist.GetString("CFBundleExecutable") ?? Name;

        public ExtensionBuilder WithInfoPlist(PlistDictionary infoPlist, PlistFormat format = PlistFormat.Binary)
        {
            _infoPlist = infoPlist;
            _format = format;
            return this;
        }

        public ExtensionBuilder WithExecutable(byte[] bytes)
        {
            _executable = bytes;
            return this;
        }

        public ExtensionBuilder WithProvisioningProfile(byte[] bytes)
        {
            _profile = bytes;
            return this;
        }

        public ExtensionBuilder WithFile(string relativePath, byte[] bytes)
        {
            _files.Add((relativePath, EntryContent.Of(bytes)));
            return this;
        }

        internal IEnumerable<(string Path, EntryContent Content)> Files()
        {
            yield return ("Info.plist", EntryContent.Of(InfoPlistBytes));
            yield return (ExecutableName, EntryContent.Of(ExecutableBytes));
            if (_profile is not null)
            {
                yield return ("embedded.mobileprovision", EntryContent.Of(_profile));
            }

            foreach (var file in _files)
            {
                yield return file;
            }
        }
    }
}
