using static MasqueDashboard.Features.Scanning.MachO.MachOConstants;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// Reads an iOS executable, thin or fat (DOMAIN §5.1–5.5), hardened against hostile input.
/// </summary>
/// <remarks>
/// <para>The stream overload is the production path: it needs a readable, seekable stream and reads only the
/// structures (header, load commands, string table, code signature), all charged to
/// <see cref="MachOReaderOptions.MaxBytes"/>; symbol entries and code pages are streamed through fixed buffers. Offsets are positions in the stream counted from 0, whatever its current position.</para>
/// <para>The span overload copies its input and suits small in-memory executables and tests.</para>
/// <para>Every malformed input raises <see cref="PackageFormatException"/> with the absolute offset of the offending
/// field. Misuse (a null or unseekable stream, invalid options) raises <see cref="ArgumentException"/>; I/O errors of
/// the stream itself propagate, and <see cref="OperationCanceledException"/> when the token fires.</para>
/// </remarks>
public static class MachOReader
{
    public static MachOFile Read(Stream stream, MachOReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("the Mach-O reader needs a readable, seekable stream", nameof(stream));
        }

        options ??= MachOReaderOptions.Default;
        options.Validate();
        var source = new ByteSource(stream, options.MaxBytes);
        if (source.Length < 4)
        {
            throw new PackageFormatException($"a {source.Length}-byte file cannot be a Mach-O", 0);
        }

        var magic = source.ReadWindow(0, 4, "magic", 0).U32BE(0, "magic");
        if (magic is FatMagic or FatMagic64)
        {
            return new MachOFile(true, ReadFat(source, magic == FatMagic64, options, cancellationToken));
        }

        return new MachOFile(false, [MachOSliceReader.Read(source, 0, source.Length, options, cancellationToken)]);
    }

    public static MachOFile Read(ReadOnlySpan<byte> bytes, MachOReaderOptions? options = null)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return Read(stream, options);
    }

    /// <summary>The fat rules LLVM enforces (DOMAIN §5.2, T16), all big-endian; each slice must be a thin Mach-O of the
    /// architecture its entry names.</summary>
    private static MachOSlice[] ReadFat(ByteSource source, bool fat64, MachOReaderOptions options, CancellationToken token)
    {
        var header = source.ReadWindow(0, FatHeaderSize, "fat header", 0);
        var count = header.U32BE(4, "nfat_arch");
        if (count == 0 || count > (uint)options.MaxFatArchitectures)
        {
            throw header.Fail($"nfat_arch {count} is outside 1…{options.MaxFatArchitectures} (a Java class file also starts 0xCAFEBABE)", 4);
        }

        var entrySize = fat64 ? FatArch64Size : FatArchSize;
        var tableEnd = FatHeaderSize + (ulong)count * (ulong)entrySize;
        var table = source.ReadWindow(FatHeaderSize, tableEnd - FatHeaderSize, "fat_arch table", 4);
        var slices = new (uint CpuType, uint CpuSubtype, ulong Offset, ulong Size, ulong EntryOffset)[count];
        for (var i = 0; i < count; i++)
        {
            var at = (ulong)(i * entrySize);
            var cpuType = table.U32BE(at, "cputype");
            var cpuSubtype = table.U32BE(at + 4, "cpusubtype");
            ulong offset, size;
            uint align;
            if (fat64)
            {
                offset = table.U64BE(at + 8, "offset");
                size = table.U64BE(at + 16, "size");
                align = table.U32BE(at + 24, "align");
            }
            else
            {
                offset = table.U32BE(at + 8, "offset");
                size = table.U32BE(at + 12, "size");
                align = table.U32BE(at + 16, "align");
            }

            if (align > MaxFatAlign)
            {
                throw table.Fail($"fat_arch {i} align 2^{align} exceeds 2^{MaxFatAlign}", at + (fat64 ? 24ul : 16ul));
            }

            if (offset < tableEnd)
            {
                throw table.Fail($"fat_arch {i} offset {offset} lies inside the fat header", at + 8);
            }

            if (offset % (1UL << (int)align) != 0)
            {
                throw table.Fail($"fat_arch {i} offset 0x{offset:X} is not aligned to 2^{align}", at + 8);
            }

            if (!Ranges.Within(offset, size, (ulong)source.Length))
            {
                throw table.Fail($"fat_arch {i} ({size} bytes at {offset}) runs past the {source.Length}-byte file", at + 8);
            }

            var masked = cpuSubtype & ~CpuSubtypeMask;
            for (var j = 0; j < i; j++)
            {
                if (slices[j].CpuType == cpuType && slices[j].CpuSubtype == masked)
                {
                    throw table.Fail($"fat_arch {i} repeats cputype 0x{cpuType:X} subtype {masked}", at);
                }
            }

            slices[i] = (cpuType, masked, offset, size, (ulong)table.BaseOffset + at);
        }

        var ordered = slices.OrderBy(s => s.Offset).ToArray();
        for (var i = 1; i < ordered.Length; i++)
        {
            if (Ranges.Overlap(ordered[i - 1].Offset, ordered[i - 1].Size, ordered[i].Offset, ordered[i].Size))
            {
                throw new PackageFormatException($"fat slice at {ordered[i].Offset} overlaps the slice at {ordered[i - 1].Offset}", (long)ordered[i].EntryOffset + 8);
            }
        }

        var result = new MachOSlice[count];
        for (var i = 0; i < count; i++)
        {
            var (cpuType, cpuSubtype, offset, size, _) = slices[i];
            var slice = MachOSliceReader.Read(source, (long)offset, (long)size, options, token);
            if (slice.CpuType != cpuType || slice.CpuSubtype != cpuSubtype)
            {
                // A slice that is not what its entry claims would be picked by a device for one architecture and
                // analysed by a tool for another.
                throw new PackageFormatException(
                    $"fat_arch {i} names {MachOSliceReader.ArchitectureName(cpuType, cpuSubtype)} but its slice is {slice.Architecture}",
                    (long)offset + 4);
            }

            result[i] = slice;
        }

        return result;
    }
}

/// <summary>
/// Reads a code-signature SuperBlob on its own (a detached copy, or bytes already cut out of a Mach-O). Code pages are
/// not available, so <see cref="CodeDirectoryInfo.PageHashes"/> is null; offsets are relative to the input.
/// </summary>
public static class CodeSignatureReader
{
    public static CodeSignatureInfo Read(ReadOnlySpan<byte> superBlob, MachOReaderOptions? options = null)
    {
        options ??= MachOReaderOptions.Default;
        options.Validate();
        if (superBlob.Length > options.MaxBytes)
        {
            throw new PackageFormatException($"a {superBlob.Length}-byte signature exceeds the reader's budget of {options.MaxBytes} bytes", 0);
        }

        return CodeSignatureParser.Parse(new ByteWindow(superBlob.ToArray(), 0), pages: null, options);
    }
}
