using System.Buffers.Binary;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>The parsed central directory: the entries in file order and where the entry data area ends.</summary>
/// <param name="Entries">Empty when <paramref name="EntriesRead"/> is false.</param>
/// <param name="DataAreaEnd">The central directory's offset: no entry's data may reach past it.</param>
/// <param name="EntriesRead">False when a limit forbade reading the entries at all (an Unsafe problem says which).</param>
internal sealed record ZipDirectory(IReadOnlyList<ZipEntryRecord> Entries, long DataAreaEnd, bool EntriesRead);

/// <summary>
/// Reads a ZIP's end records and central directory (APPNOTE 4.3.12–4.3.16, ZIP64 included) through a bounded
/// window: each count and size is checked against the bytes present before it is used, and a malformed
/// structure is a <see cref="PackageFormatException"/> carrying the offset. Limits a hostile but well-formed
/// archive exceeds are reported as Unsafe problems instead.
/// </summary>
internal static class ZipCentralDirectory
{
    private const uint EndSignature = 0x06054B50;
    private const uint Zip64EndSignature = 0x06064B50;
    private const uint Zip64LocatorSignature = 0x07064B50;
    private const uint CentralSignature = 0x02014B50;
    private const uint LocalSignature = 0x04034B50;
    private const int EndLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64EndLength = 56;
    private const int CentralHeaderLength = 46;
    private const ushort Zip64ExtraId = 0x0001;

    public static ZipDirectory Read(Stream stream, ZipLimits limits, Action<PackageProblem> report, CancellationToken cancellationToken)
    {
        var length = stream.Length;
        if (length == 0)
        {
            throw new PackageFormatException("The file is empty, not a ZIP archive", 0);
        }

        var (endOffset, end) = FindEndRecord(stream, length);
        var entryCount = (ulong)BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(10));
        var directorySize = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(12));
        var directoryOffset = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(16));
        var multiDisk = BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(4)) != 0 ||
            BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(6)) != 0 ||
            BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(8)) != entryCount;
        var directoryLimit = endOffset;

        var locatorOffset = endOffset - Zip64LocatorLength;
        if (locatorOffset >= 0 && ReadUInt32(stream, locatorOffset) == Zip64LocatorSignature)
        {
            var zip64 = ReadZip64End(stream, locatorOffset);
            ReportDisagreement(report, "entry count", entryCount, ushort.MaxValue, zip64.EntryCount);
            ReportDisagreement(report, "directory size", directorySize, uint.MaxValue, zip64.DirectorySize);
            ReportDisagreement(report, "directory offset", directoryOffset, uint.MaxValue, zip64.DirectoryOffset);
            (entryCount, directorySize, directoryOffset, directoryLimit) = (zip64.EntryCount, zip64.DirectorySize, zip64.DirectoryOffset, zip64.RecordOffset);
            multiDisk = zip64.MultiDisk;
        }

        if (multiDisk)
        {
            throw new PackageFormatException("The archive spans several disks, which no app package does", endOffset + 4);
        }

        if (directoryOffset > (ulong)directoryLimit || directorySize > (ulong)directoryLimit - directoryOffset)
        {
            throw new PackageFormatException(
                $"The central directory ({directorySize} bytes at {directoryOffset}) runs past the end records at {directoryLimit}: the archive is truncated or not a ZIP",
                endOffset + 12);
        }

        if (entryCount > (ulong)limits.MaxEntries)
        {
            report(new PackageProblem(
                PackageProblemKind.Unsafe, $"The archive declares {entryCount} entries, more than the limit of {limits.MaxEntries}", null));
            return new ZipDirectory([], (long)directoryOffset, EntriesRead: false);
        }

        if (directorySize > (ulong)limits.MaxCentralDirectoryBytes)
        {
            report(new PackageProblem(
                PackageProblemKind.Unsafe,
                $"The central directory is {directorySize} bytes, more than the limit of {limits.MaxCentralDirectoryBytes}",
                null));
            return new ZipDirectory([], (long)directoryOffset, EntriesRead: false);
        }

        if (entryCount * CentralHeaderLength > directorySize)
        {
            throw new PackageFormatException(
                $"{entryCount} entries cannot fit a central directory of {directorySize} bytes", endOffset + 10);
        }

        var entries = ReadEntries(stream, (long)directoryOffset, (long)directorySize, (int)entryCount, cancellationToken);
        return new ZipDirectory(entries, (long)directoryOffset, EntriesRead: true);
    }

    /// <summary>
    /// A classic end-record field that is not saturated must equal its ZIP64 counterpart: a reader that ignores
    /// the ZIP64 record (or uses it only for saturated fields) would otherwise see another directory.
    /// </summary>
    private static void ReportDisagreement(Action<PackageProblem> report, string field, ulong classic, ulong saturated, ulong zip64)
    {
        if (classic != saturated && classic != zip64)
        {
            report(new PackageProblem(
                PackageProblemKind.Unsafe,
                $"The end record says {classic} for the {field} and the ZIP64 end record {zip64}; readers that trust one or the other see different archives",
                null));
        }
    }

    /// <summary>The last end record whose comment length reaches exactly the end of the file.</summary>
    private static (long Offset, byte[] Record) FindEndRecord(Stream stream, long length)
    {
        var tailLength = (int)Math.Min(length, EndLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        ReadAt(stream, length - tailLength, tail);
        for (var i = tailLength - EndLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature &&
                i + EndLength + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20)) == tailLength)
            {
                return (length - tailLength + i, tail.AsSpan(i, EndLength).ToArray());
            }
        }

        var startsLikeZip = length >= 4 && ReadUInt32(stream, 0) == LocalSignature;
        throw new PackageFormatException(
            startsLikeZip
                ? "The archive has entries but no end of central directory record: it is truncated"
                : "No end of central directory record: the file is not a ZIP archive",
            length);
    }

    private static (ulong EntryCount, ulong DirectorySize, ulong DirectoryOffset, long RecordOffset, bool MultiDisk) ReadZip64End(
        Stream stream, long locatorOffset)
    {
        var locator = new byte[Zip64LocatorLength];
        ReadAt(stream, locatorOffset, locator);
        var recordOffset = BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
        if (locatorOffset < Zip64EndLength || recordOffset > (ulong)(locatorOffset - Zip64EndLength))
        {
            throw new PackageFormatException(
                $"The ZIP64 end record offset {recordOffset} does not leave room for the record before its locator", locatorOffset + 8);
        }

        var record = new byte[Zip64EndLength];
        ReadAt(stream, (long)recordOffset, record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            throw new PackageFormatException("The ZIP64 end record is missing where its locator points", (long)recordOffset);
        }

        var entriesOnDisk = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(24));
        var entryCount = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
        var multiDisk = BinaryPrimitives.ReadUInt32LittleEndian(locator.AsSpan(4)) != 0 ||
            BinaryPrimitives.ReadUInt32LittleEndian(locator.AsSpan(16)) > 1 ||
            BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(16)) != 0 ||
            BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(20)) != 0 ||
            entriesOnDisk != entryCount;
        return (
            entryCount,
            BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40)),
            BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(48)),
            (long)recordOffset,
            multiDisk);
    }

    private static List<ZipEntryRecord> ReadEntries(Stream stream, long offset, long size, int count, CancellationToken cancellationToken)
    {
        var reader = new WindowReader(stream, offset, size);
        var entries = new List<ZipEntryRecord>(Math.Min(count, 4096));
        Span<byte> header = stackalloc byte[CentralHeaderLength];
        var variable = new byte[ushort.MaxValue];
        for (var i = 0; i < count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var headerOffset = reader.Position;
            reader.Read(header, "central directory header");
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralSignature)
            {
                throw new PackageFormatException($"Central directory entry {i} has no central header signature", headerOffset);
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);

            var nameBytes = variable.AsSpan(0, nameLength);
            reader.Read(nameBytes, "entry name");
            string? name;
            string printable;
            try
            {
                name = EntryNames.StrictUtf8.GetString(nameBytes);
                printable = EntryNames.Printable(name);
            }
            catch (DecoderFallbackException)
            {
                name = null;
                printable = EntryNames.Printable(nameBytes);
            }

            var extraOffset = reader.Position;
            var extra = variable.AsSpan(0, extraLength);
            reader.Read(extra, "extra field");
            reader.Skip(commentLength, "entry comment");

            var compressed = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            var uncompressed = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            var localOffset = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
            var disk = (uint)BinaryPrimitives.ReadUInt16LittleEndian(header[34..]);
            var zip64 = new Zip64Fields(uncompressed == uint.MaxValue, compressed == uint.MaxValue, localOffset == uint.MaxValue, disk == ushort.MaxValue);
            if (zip64.Any)
            {
                var values = ReadZip64Extra(extra, zip64, extraOffset, printable);
                uncompressed = values.Uncompressed ?? uncompressed;
                compressed = values.Compressed ?? compressed;
                localOffset = values.LocalOffset ?? localOffset;
                disk = values.Disk ?? disk;
            }

            if (disk != 0)
            {
                throw new PackageFormatException($"Entry '{printable}' starts on disk {disk}; multi-disk archives are not app packages", headerOffset + 34);
            }

            entries.Add(new ZipEntryRecord
            {
                Name = name,
                PrintableName = printable,
                CentralHeaderOffset = headerOffset,
                VersionMadeBy = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]),
                Flags = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]),
                Method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]),
                Crc32 = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]),
                CompressedSize = compressed,
                UncompressedSize = uncompressed,
                LocalHeaderOffset = localOffset,
                ExternalAttributes = BinaryPrimitives.ReadUInt32LittleEndian(header[38..]),
                HasZip64Sizes = zip64.Uncompressed || zip64.Compressed,
            });
        }

        // ZipArchive reads headers until the directory ends and compares the count; a header beyond the
        // declared count is an entry one reader sees and another does not.
        if (reader.Position != offset + size)
        {
            throw new PackageFormatException(
                $"The central directory's {count} entries end at {reader.Position}, not at its declared end {offset + size}", reader.Position);
        }

        return entries;
    }

    /// <summary>APPNOTE 4.5.3: the ZIP64 extra holds, in this order, exactly the fields whose 32-bit value is saturated.</summary>
    public static (ulong? Uncompressed, ulong? Compressed, ulong? LocalOffset, uint? Disk) ReadZip64Extra(
        ReadOnlySpan<byte> extra, Zip64Fields needed, long extraOffset, string printableName)
    {
        var position = 0;
        while (extra.Length - position >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra[position..]);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[(position + 2)..]);
            var data = extra[(position + 4)..];
            if (size > data.Length)
            {
                break;
            }

            data = data[..size];
            if (id == Zip64ExtraId)
            {
                var required = (needed.Uncompressed ? 8 : 0) + (needed.Compressed ? 8 : 0) + (needed.LocalOffset ? 8 : 0) + (needed.Disk ? 4 : 0);
                if (data.Length < required)
                {
                    break;
                }

                var at = 0;
                ulong? uncompressed = needed.Uncompressed ? Next64(data, ref at) : null;
                ulong? compressed = needed.Compressed ? Next64(data, ref at) : null;
                ulong? localOffset = needed.LocalOffset ? Next64(data, ref at) : null;
                uint? disk = needed.Disk ? BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) : null;
                return (uncompressed, compressed, localOffset, disk);
            }

            position += 4 + size;
        }

        throw new PackageFormatException(
            $"Entry '{printableName}' saturates a size or offset field but has no ZIP64 extra field holding it", extraOffset);
    }

    private static ulong Next64(ReadOnlySpan<byte> data, ref int at)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
        at += 8;
        return value;
    }

    public static uint ReadUInt32(Stream stream, long offset)
    {
        Span<byte> buffer = stackalloc byte[4];
        ReadAt(stream, offset, buffer);
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; a short file is a format error.</summary>
    public static void ReadAt(Stream stream, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > stream.Length || destination.Length > stream.Length - offset)
        {
            throw new PackageFormatException($"{destination.Length} bytes at {offset} lie beyond the end of the {stream.Length}-byte file", offset);
        }

        try
        {
            stream.Position = offset;
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException exception)
        {
            throw new PackageFormatException("The stream ended before its declared length", offset, exception);
        }
    }

    /// <summary>Which fields of a central or local header are saturated and so held in the ZIP64 extra.</summary>
    internal readonly record struct Zip64Fields(bool Uncompressed, bool Compressed, bool LocalOffset, bool Disk)
    {
        public bool Any => Uncompressed || Compressed || LocalOffset || Disk;
    }

    /// <summary>Sequential reads through a 64 KiB buffer, never past the window's end.</summary>
    private sealed class WindowReader(Stream stream, long start, long length)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly long _end = start + length;
        private long _bufferStart = start;
        private int _bufferLength;
        private int _bufferPosition;

        public long Position => _bufferStart + _bufferPosition;

        public void Read(Span<byte> destination, string what)
        {
            Require(destination.Length, what);
            while (!destination.IsEmpty)
            {
                if (_bufferPosition == _bufferLength)
                {
                    Fill();
                }

                var chunk = Math.Min(destination.Length, _bufferLength - _bufferPosition);
                _buffer.AsSpan(_bufferPosition, chunk).CopyTo(destination);
                _bufferPosition += chunk;
                destination = destination[chunk..];
            }
        }

        public void Skip(int count, string what)
        {
            Require(count, what);
            while (count > 0)
            {
                if (_bufferPosition == _bufferLength)
                {
                    Fill();
                }

                var chunk = Math.Min(count, _bufferLength - _bufferPosition);
                _bufferPosition += chunk;
                count -= chunk;
            }
        }

        private void Require(int count, string what)
        {
            if (count > _end - Position)
            {
                throw new PackageFormatException(
                    $"The {what} ({count} bytes at {Position}) runs past the end of the central directory at {_end}", Position);
            }
        }

        private void Fill()
        {
            _bufferStart += _bufferLength;
            _bufferPosition = 0;
            _bufferLength = (int)Math.Min(_buffer.Length, _end - _bufferStart);
            ReadAt(stream, _bufferStart, _buffer.AsSpan(0, _bufferLength));
        }
    }
}
