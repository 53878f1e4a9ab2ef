using System.Buffers;
using System.Buffers.Binary;

namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>
/// An <c>.ipa</c> opened for scanning (DOMAIN §2, PRODUCT §4): the archive read in place from a seekable stream,
/// never extracted, every entry name and size judged before anything is read, and the one
/// <c>Payload/&lt;Name&gt;.app/</c> bundle located.
/// </summary>
/// <remarks>
/// <para>The central directory is parsed here rather than through <c>ZipArchive</c>: that class hides each
/// entry's local header offset, so the local-header comparison (DOMAIN §2, differential parsing), the
/// overlapping-entry check and ZIP64 validation would need a second scan of the same directory anyway, and its
/// entry streams trust the declared sizes. Entries are inflated with <see cref="System.IO.Compression.DeflateStream"/>.</para>
/// <para>Problems do not stop the package from opening: each is recorded in <see cref="Problems"/> so the
/// scanner can report it and still run the stages that remain meaningful. Only bytes that are not a ZIP at all
/// (no end record, a truncated or inconsistent central directory) throw <see cref="PackageFormatException"/>.</para>
/// <para>An entry whose name is unsafe, that is a link or special file, that is encrypted or compressed by an
/// unknown method, or whose declared sizes break a limit is never read: its file methods return null. Names
/// are matched after Unicode NFC normalisation. Not thread-safe: one scan at a time owns the package, and the
/// streams it hands out share the underlying stream's position.</para>
/// </remarks>
public sealed class IpaPackage : IDisposable
{
    private const string PayloadPrefix = "Payload/";
    private const string PlugInsFolder = "PlugIns/";
    private const uint LocalSignature = 0x04034B50;
    private const uint DataDescriptorSignature = 0x08074B50;
    private const int LocalHeaderLength = 30;
    private const int MaxListedProblems = 1000;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ZipLimits _limits;
    private readonly ProblemList _problems;
    private readonly long _dataAreaEnd;
    private readonly Dictionary<string, ZipEntryRecord> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ambiguous = new(StringComparer.Ordinal);
    private readonly HashSet<ZipEntryRecord> _unreadable = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _appEntryNames = [];
    private readonly ReadBudget _budget;
    private bool _disposed;

    private IpaPackage(Stream stream, bool leaveOpen, ZipLimits limits, ZipDirectory directory, ProblemList problems)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _limits = limits;
        _problems = problems;
        _dataAreaEnd = directory.DataAreaEnd;
        _budget = new ReadBudget(limits, problems);
        Extensions = [];
        if (!directory.EntriesRead)
        {
            return;
        }

        IndexEntries(directory.Entries);
        CheckLayout(directory.Entries);
        AppDirectory = FindApp();
        if (AppDirectory is not null)
        {
            Extensions = FindExtensions(AppDirectory);
            foreach (var entry in directory.Entries)
            {
                if (entry.Name is { } name && !entry.IsDirectory && EntryNames.FindUnsafePart(name) is null &&
                    EntryNames.Key(name) is var key && key.StartsWith(AppDirectory, StringComparison.Ordinal))
                {
                    _appEntryNames.Add(key[AppDirectory.Length..]);
                }
            }
        }
    }

    /// <summary>Everything found wrong so far, opening included; reads append to it. Repeats are listed once.</summary>
    public IReadOnlyList<PackageProblem> Problems => _problems.Items;

    /// <summary>True once any Unsafe problem was found (rule PACKAGE-UNSAFE).</summary>
    public bool IsUnsafe => _problems.AnyUnsafe;

    /// <summary>The one app bundle, as <c>Payload/Name.app/</c>; null when there is none or more than one (an Invalid problem says which).</summary>
    public string? AppDirectory { get; }

    /// <summary>The app's extension bundles, as <c>PlugIns/Name.appex/</c>, in ordinal order.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Paths of the app's file entries relative to <see cref="AppDirectory"/>, NFC, in archive order; for CodeResources checks.</summary>
    public IEnumerable<string> AppEntryNames => _appEntryNames;

    /// <summary>The uncompressed sizes the central directory declares, summed (saturating at <see cref="long.MaxValue"/>).</summary>
    public long TotalDeclaredInflatedBytes { get; private set; }

    /// <summary>
    /// Opens <paramref name="stream"/> (readable and seekable, e.g. a file in content-addressed storage) as a package.
    /// Ownership passes to the package unless <paramref name="leaveOpen"/>; if this throws, the stream stays the caller's.
    /// </summary>
    /// <exception cref="PackageFormatException">Not a ZIP, truncated, or a central directory that contradicts itself.</exception>
    public static IpaPackage Open(Stream stream, ZipLimits? limits = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("A package is read from a readable, seekable stream.", nameof(stream));
        }

        limits ??= ZipLimits.Default;
        var problems = new ProblemList();
        var directory = ZipCentralDirectory.Read(stream, limits, problems.Add, cancellationToken);
        return new IpaPackage(stream, leaveOpen, limits, directory, problems);
    }

    /// <summary>Whether the app has a file entry of this path, readable or not.</summary>
    public bool ContainsAppFile(string relativePath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(relativePath);
        return AppDirectory is not null && EntryNames.TryKey(AppDirectory + relativePath) is { } key &&
            _byKey.TryGetValue(key, out var entry) && !entry.IsDirectory;
    }

    /// <summary>
    /// The whole content of an app file, for the small files that get parsed (at most
    /// <see cref="ZipLimits.MaxParsedEntryBytes"/>). Null when the file is absent or cannot be read safely; in the
    /// latter case <see cref="Problems"/> says why.
    /// </summary>
    public byte[]? ReadAppFile(string relativePath)
    {
        var entry = FindAppEntry(relativePath);
        return entry is null ? null : ReadWhole(entry);
    }

    /// <summary>
    /// An app file as a read-only stream of its declared length (at most <see cref="ZipLimits.MaxExecutableBytes"/>),
    /// for the main executable. Reading throws <see cref="PackageFormatException"/>, after recording a problem,
    /// as soon as the data breaks a limit or contradicts the central directory. The stream is seekable; a backward
    /// seek in a deflated entry inflates again from the start. Dispose it before the package.
    /// </summary>
    public Stream? OpenAppFile(string relativePath)
    {
        var entry = FindAppEntry(relativePath);
        return entry is null ? null : OpenEntry(entry, _limits.MaxExecutableBytes);
    }

    /// <inheritdoc cref="ReadAppFile(string)"/>
    /// <param name="extensionDirectory">One of <see cref="Extensions"/>.</param>
    /// <param name="relativePath">A path inside that extension.</param>
    public byte[]? ReadExtensionFile(string extensionDirectory, string relativePath) =>
        ReadAppFile(ExtensionPath(extensionDirectory, relativePath));

    /// <inheritdoc cref="OpenAppFile(string)"/>
    /// <param name="extensionDirectory">One of <see cref="Extensions"/>.</param>
    /// <param name="relativePath">A path inside that extension.</param>
    public Stream? OpenExtensionFile(string extensionDirectory, string relativePath) =>
        OpenAppFile(ExtensionPath(extensionDirectory, relativePath));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private string ExtensionPath(string extensionDirectory, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(extensionDirectory);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (!Extensions.Contains(extensionDirectory, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{extensionDirectory}' is not one of the package's extensions.", nameof(extensionDirectory));
        }

        return extensionDirectory + relativePath;
    }

    private void IndexEntries(IReadOnlyList<ZipEntryRecord> entries)
    {
        ulong declaredTotal = 0;
        var files = new List<string>();
        foreach (var entry in entries)
        {
            declaredTotal = declaredTotal > ulong.MaxValue - entry.UncompressedSize ? ulong.MaxValue : declaredTotal + entry.UncompressedSize;
            if (entry.Name is not { } name)
            {
                Unsafe(entry, "Entry name is not UTF-8, so extractors decode it differently");
                continue;
            }

            if (EntryNames.FindUnsafePart(name) is { } reason)
            {
                Unsafe(entry, $"Entry name {reason}");
                continue;
            }

            JudgeEntry(entry);
            var key = EntryNames.Key(name);
            if (!_byKey.TryAdd(key, entry))
            {
                Unsafe(entry, "Entry name appears more than once (after Unicode normalisation and without a trailing slash); extractors keep different copies");
                _ambiguous.Add(key);
            }

            if (entry.IsDirectory)
            {
                _directories.Add(key);
            }
            else
            {
                files.Add(key);
            }
        }

        TotalDeclaredInflatedBytes = declaredTotal > long.MaxValue ? long.MaxValue : (long)declaredTotal;
        if (declaredTotal > (ulong)_limits.MaxTotalInflatedBytes)
        {
            _problems.Add(new PackageProblem(
                PackageProblemKind.Unsafe,
                $"Entries declare {declaredTotal} bytes uncompressed in total, more than the limit of {_limits.MaxTotalInflatedBytes}",
                null));
        }

        // "a" as a file and "a/b" beside it: an extractor either fails or replaces one with the other.
        var fileKeys = new HashSet<string>(files, StringComparer.Ordinal);
        foreach (var key in files)
        {
            for (var slash = key.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = key.IndexOf('/', slash + 1))
            {
                var parent = key[..slash];
                if (fileKeys.Contains(parent) && _ambiguous.Add(parent))
                {
                    Unsafe(_byKey[parent], "Entry is a file, yet other entries use it as a directory");
                }
            }
        }
    }

    /// <summary>What the central directory alone shows about one well-named entry.</summary>
    private void JudgeEntry(ZipEntryRecord entry)
    {
        var type = (entry.UnixMode ?? 0) & 0xF000;
        switch (type)
        {
            case 0xA000:
                Refuse(entry, PackageProblemKind.Unsafe, "Entry is a symbolic link (Unix mode 0xA000), which could point outside the bundle");
                break;
            case 0x1000 or 0x2000 or 0x6000 or 0xC000:
                Refuse(entry, PackageProblemKind.Unsafe, $"Entry is a device, FIFO or socket (Unix mode 0x{type:X4})");
                break;
            case 0x4000 when !entry.IsDirectory:
            case 0x8000 when entry.IsDirectory:
                Refuse(entry, PackageProblemKind.Unsafe, "Entry's Unix mode and its name disagree on whether it is a directory");
                break;
        }

        if (entry.IsDirectory)
        {
            return;
        }

        if (entry.IsEncrypted)
        {
            Refuse(entry, PackageProblemKind.Invalid, "Entry is encrypted, which no installable package is");
        }
        else if (entry.Method is not (ZipEntryRecord.Stored or ZipEntryRecord.Deflated))
        {
            Refuse(entry, PackageProblemKind.Invalid, $"Entry uses compression method {entry.Method}; only stored (0) and deflate (8) are read");
        }
        else if (entry.Method == ZipEntryRecord.Stored && entry.CompressedSize != entry.UncompressedSize)
        {
            Refuse(
                entry,
                PackageProblemKind.Unsafe,
                $"Stored entry declares {entry.CompressedSize} bytes compressed but {entry.UncompressedSize} uncompressed");
        }
        else if (entry.UncompressedSize > (ulong)_limits.MinBytesForRatioCheck &&
            (UInt128)entry.UncompressedSize > (UInt128)entry.CompressedSize * (UInt128)_limits.MaxCompressionRatio)
        {
            var ratio = entry.CompressedSize == 0 ? "an unbounded" : $"a {entry.UncompressedSize / entry.CompressedSize}:1";
            Refuse(
                entry,
                PackageProblemKind.Unsafe,
                $"Entry declares {ratio} compression ratio ({entry.UncompressedSize} bytes from {entry.CompressedSize}), above the limit of {_limits.MaxCompressionRatio}:1 (a zip bomb)");
        }
    }

    /// <summary>
    /// Entries laid over one another inflate the same bytes many times (overlapping-entry zip bombs), and an
    /// entry whose data reaches into the central directory is not an entry at all.
    /// </summary>
    private void CheckLayout(IReadOnlyList<ZipEntryRecord> entries)
    {
        var byOffset = entries.OrderBy(entry => entry.LocalHeaderOffset).ToArray();
        for (var i = 0; i < byOffset.Length; i++)
        {
            var entry = byOffset[i];
            var minimumEnd = (UInt128)entry.LocalHeaderOffset + LocalHeaderLength + entry.CompressedSize;
            if (minimumEnd > (UInt128)_dataAreaEnd)
            {
                Refuse(entry, PackageProblemKind.Invalid, $"Entry's data at {entry.LocalHeaderOffset} runs past the start of the central directory at {_dataAreaEnd}");
            }

            if (i + 1 < byOffset.Length && (UInt128)byOffset[i + 1].LocalHeaderOffset < minimumEnd)
            {
                Refuse(entry, PackageProblemKind.Unsafe, $"Entry's data overlaps entry '{byOffset[i + 1].PrintableName}'; overlapping entries inflate the same bytes many times");
                Refuse(byOffset[i + 1], PackageProblemKind.Unsafe, $"Entry starts inside the data of entry '{entry.PrintableName}'");
            }
        }
    }

    private string? FindApp()
    {
        var apps = new SortedSet<string>(StringComparer.Ordinal);
        var hasPayload = false;
        foreach (var key in _byKey.Keys)
        {
            if (key == "Payload")
            {
                hasPayload = true;
                continue;
            }

            if (ChildBundle(key, PayloadPrefix, ".app") is { } app)
            {
                apps.Add(app);
            }

            hasPayload |= key.StartsWith(PayloadPrefix, StringComparison.Ordinal);
        }

        if (apps.Count == 1)
        {
            return PayloadPrefix + apps.Min + "/";
        }

        var message = (hasPayload, apps.Count) switch
        {
            (false, _) => "The archive has no Payload/ folder, so it is not an app package",
            (true, 0) => "Payload/ holds no .app bundle",
            _ => $"Payload/ holds {apps.Count} app bundles ({string.Join(", ", apps.Take(5))}); an app package holds exactly one",
        };
        _problems.Add(new PackageProblem(PackageProblemKind.Invalid, message, null));
        return null;
    }

    private List<string> FindExtensions(string appDirectory)
    {
        var prefix = appDirectory + PlugInsFolder;
        var extensions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in _byKey.Keys)
        {
            if (ChildBundle(key, prefix, ".appex") is { } extension)
            {
                extensions.Add(PlugInsFolder + extension + "/");
            }
        }

        return [.. extensions];
    }

    /// <summary>The folder directly under <paramref name="prefix"/> that <paramref name="key"/> is or lies in, if it has the suffix.</summary>
    private string? ChildBundle(string key, string prefix, string suffix)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length)
        {
            return null;
        }

        var rest = key.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        var folder = slash < 0 ? rest : rest[..slash];

        // A bundle is a folder: either other entries lie inside it or it has its own directory entry.
        var isFolder = slash >= 0 || _directories.Contains(key);
        return isFolder && folder.EndsWith(suffix, StringComparison.Ordinal) ? folder.ToString() : null;
    }

    private ZipEntryRecord? FindAppEntry(string relativePath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (AppDirectory is null || EntryNames.TryKey(AppDirectory + relativePath) is not { } key || _ambiguous.Contains(key))
        {
            return null;
        }

        return _byKey.TryGetValue(key, out var entry) && !entry.IsDirectory && !_unreadable.Contains(entry) ? entry : null;
    }

    private byte[]? ReadWhole(ZipEntryRecord entry)
    {
        using var stream = OpenEntry(entry, _limits.MaxParsedEntryBytes);
        if (stream is null)
        {
            return null;
        }

        var content = new byte[(int)entry.UncompressedSize];
        try
        {
            stream.ReadExactly(content);

            // A read at the declared end proves nothing follows and checks the CRC-32.
            Span<byte> probe = stackalloc byte[1];
            _ = stream.Read(probe);
            return content;
        }
        catch (PackageFormatException)
        {
            // The entry stream has recorded the problem; a caller sees null and finds the reason in Problems.
            return null;
        }
    }

    private ZipEntryStream? OpenEntry(ZipEntryRecord entry, long maxBytes)
    {
        if (entry.UncompressedSize > (ulong)maxBytes)
        {
            Unsafe(entry, $"Entry declares {entry.UncompressedSize} bytes, more than the {maxBytes} this read allows");
            return null;
        }

        return CheckLocalHeader(entry) is { } dataStart ? new ZipEntryStream(_stream, entry, dataStart, _budget) : null;
    }

    /// <summary>
    /// DOMAIN §2: <c>ZipArchive</c> reads the central directory, other tools the local headers. Name, method,
    /// flags, CRC and sizes must agree (through the data descriptor when bit 3 is set). A disagreement is
    /// recorded as Unsafe and the entry is still read as the central directory describes it, so the scanner's
    /// other findings survive; a missing local header makes the entry unreadable.
    /// </summary>
    private long? CheckLocalHeader(ZipEntryRecord entry)
    {
        if (entry.LocalHeader is { } known)
        {
            return known.DataStart;
        }

        var dataStart = FindLocalData(entry);
        entry.LocalHeader = new LocalHeaderCheck(dataStart);
        return dataStart;
    }

    private long? FindLocalData(ZipEntryRecord entry)
    {
        var offset = (long)entry.LocalHeaderOffset;
        Span<byte> header = stackalloc byte[LocalHeaderLength];
        ZipCentralDirectory.ReadAt(_stream, offset, header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalSignature)
        {
            Refuse(entry, PackageProblemKind.Invalid, $"Entry has no local header at {offset}, where the central directory points");
            return null;
        }

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        var dataStart = offset + LocalHeaderLength + nameLength + extraLength;
        if ((UInt128)dataStart + entry.CompressedSize > (UInt128)_dataAreaEnd)
        {
            Refuse(entry, PackageProblemKind.Invalid, $"Entry's data runs past the start of the central directory at {_dataAreaEnd}");
            return null;
        }

        var variable = ArrayPool<byte>.Shared.Rent(nameLength + extraLength);
        try
        {
            ZipCentralDirectory.ReadAt(_stream, offset + LocalHeaderLength, variable.AsSpan(0, nameLength + extraLength));
            var disagreements = CompareLocalHeader(
                entry, header, variable.AsSpan(0, nameLength), variable.AsSpan(nameLength, extraLength), dataStart);
            if (disagreements.Count > 0)
            {
                Unsafe(entry, $"Entry's local header disagrees with the central directory on {string.Join(", ", disagreements)}; readers trusting one or the other see different files");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(variable);
        }

        return dataStart;
    }

    private List<string> CompareLocalHeader(
        ZipEntryRecord entry, ReadOnlySpan<byte> header, ReadOnlySpan<byte> name, ReadOnlySpan<byte> extra, long dataStart)
    {
        var disagreements = new List<string>();
        if (!name.SequenceEqual(EntryNames.StrictUtf8.GetBytes(entry.Name!)))
        {
            disagreements.Add($"the name (local '{EntryNames.Printable(name)}')");
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if ((flags & 0x0041) != (entry.Flags & 0x0041))
        {
            disagreements.Add("encryption");
        }

        var method = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (method != entry.Method)
        {
            disagreements.Add($"the compression method (local {method})");
        }

        if ((flags & 0x0008) != (entry.Flags & 0x0008))
        {
            disagreements.Add("whether a data descriptor follows");
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[14..]);
        var compressed = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(header[18..]);
        var uncompressed = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(header[22..]);
        var zip64 = compressed == uint.MaxValue || uncompressed == uint.MaxValue;
        if ((flags & 0x0008) == 0)
        {
            if (zip64)
            {
                // APPNOTE 4.5.3: a local ZIP64 extra holds both sizes.
                try
                {
                    var values = ZipCentralDirectory.ReadZip64Extra(extra, new(true, true, false, false), dataStart, entry.PrintableName);
                    (uncompressed, compressed) = (values.Uncompressed!.Value, values.Compressed!.Value);
                }
                catch (PackageFormatException)
                {
                    disagreements.Add("the sizes (no ZIP64 extra in the local header)");
                    return disagreements;
                }
            }

            AddSizeDisagreements(disagreements, entry, crc, compressed, uncompressed, "local");
        }
        else
        {
            CompareDataDescriptor(disagreements, entry, dataStart, zip64 || entry.HasZip64Sizes);
        }

        return disagreements;
    }

    /// <summary>With bit 3 set the sizes and CRC follow the data, optionally after a signature (APPNOTE 4.3.9).</summary>
    private void CompareDataDescriptor(List<string> disagreements, ZipEntryRecord entry, long dataStart, bool wide)
    {
        var at = dataStart + (long)entry.CompressedSize;
        Span<byte> descriptor = stackalloc byte[24];
        var available = (int)Math.Min(descriptor.Length, _dataAreaEnd - at);
        var sizeWidth = wide ? 8 : 4;
        if (available < 4 + (2 * sizeWidth))
        {
            disagreements.Add("the data descriptor, which is missing");
            return;
        }

        descriptor = descriptor[..available];
        ZipCentralDirectory.ReadAt(_stream, at, descriptor);
        if (BinaryPrimitives.ReadUInt32LittleEndian(descriptor) == DataDescriptorSignature)
        {
            descriptor = descriptor[4..];
            if (descriptor.Length < 4 + (2 * sizeWidth))
            {
                disagreements.Add("the data descriptor, which is cut short");
                return;
            }
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(descriptor);
        var compressed = wide ? BinaryPrimitives.ReadUInt64LittleEndian(descriptor[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(descriptor[4..]);
        var uncompressed = wide ? BinaryPrimitives.ReadUInt64LittleEndian(descriptor[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(descriptor[8..]);
        AddSizeDisagreements(disagreements, entry, crc, compressed, uncompressed, "data descriptor");
    }

    private static void AddSizeDisagreements(
        List<string> disagreements, ZipEntryRecord entry, uint crc, ulong compressed, ulong uncompressed, string where)
    {
        if (crc != entry.Crc32)
        {
            disagreements.Add($"the CRC-32 ({where} 0x{crc:X8})");
        }

        if (compressed != entry.CompressedSize)
        {
            disagreements.Add($"the compressed size ({where} {compressed})");
        }

        if (uncompressed != entry.UncompressedSize)
        {
            disagreements.Add($"the uncompressed size ({where} {uncompressed})");
        }
    }

    private void Unsafe(ZipEntryRecord entry, string message) =>
        _problems.Add(new PackageProblem(PackageProblemKind.Unsafe, message, entry.PrintableName));

    /// <summary>Records the problem and makes sure the entry is never read.</summary>
    private void Refuse(ZipEntryRecord entry, PackageProblemKind kind, string message)
    {
        _unreadable.Add(entry);
        _problems.Add(new PackageProblem(kind, message, entry.PrintableName));
    }

    /// <summary>Problems in order, each once, at most <see cref="MaxListedProblems"/> listed; whether any is Unsafe is kept regardless.</summary>
    private sealed class ProblemList
    {
        private readonly List<PackageProblem> _items = [];
        private readonly HashSet<PackageProblem> _seen = [];
        private bool _truncated;

        public IReadOnlyList<PackageProblem> Items => _items;

        public bool AnyUnsafe { get; private set; }

        public void Add(PackageProblem problem)
        {
            AnyUnsafe |= problem.Kind == PackageProblemKind.Unsafe;
            if (_truncated || !_seen.Add(problem))
            {
                return;
            }

            if (_items.Count == MaxListedProblems - 1)
            {
                _truncated = true;
                _items.Add(new PackageProblem(
                    AnyUnsafe ? PackageProblemKind.Unsafe : problem.Kind,
                    $"More than {MaxListedProblems - 1} problems were found; the rest are not listed",
                    null));
                return;
            }

            _items.Add(problem);
        }
    }

    private sealed class ReadBudget(ZipLimits limits, ProblemList problems) : IEntryReadBudget
    {
        private long _inflated;

        public ZipLimits Limits => limits;

        public bool TryCharge(long bytes)
        {
            _inflated = _inflated > long.MaxValue - bytes ? long.MaxValue : _inflated + bytes;
            return _inflated <= limits.MaxTotalInflatedBytes;
        }

        public void Report(PackageProblem problem) => problems.Add(problem);
    }
}
