using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MasqueDashboard.Tests.Support;

/// <summary>The bytes of one entry, produced in chunks so a 50 MB resource never sits in memory whole.</summary>
public abstract class EntryContent
{
    public abstract long Length { get; }

    public static EntryContent Of(byte[] bytes) => new BytesContent(bytes);

    /// <summary>One byte value repeated: compresses about 1000:1 under deflate.</summary>
    public static EntryContent Repeated(byte value, long length) => new GeneratedContent(length, () => chunk => chunk.Fill(value));

    /// <summary>Pseudo-random bytes from <paramref name="seed"/>: deflate cannot shrink them.</summary>
    public static EntryContent Incompressible(long length, int seed) => new GeneratedContent(length, () => RandomFill(seed));

    /// <summary>Calls <paramref name="write"/> with consecutive chunks of at most 64 KiB.</summary>
    public abstract void ForEachChunk(Action<ReadOnlySpan<byte>> write);

    /// <summary>The whole content; for tests that compare it with what the reader returns.</summary>
    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        ForEachChunk(buffer.Write);
        return buffer.ToArray();
    }

    /// <summary>xorshift64*, a fresh generator per pass so every pass yields the same bytes.</summary>
    private static Action<Span<byte>> RandomFill(int seed)
    {
        var state = ((ulong)seed * 0x9E3779B97F4A7C15UL) | 1;
        return chunk =>
        {
            for (var i = 0; i < chunk.Length; i++)
            {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                chunk[i] = (byte)((state * 0x2545F4914F6CDD1DUL) >> 56);
            }
        };
    }

    private sealed class BytesContent(byte[] bytes) : EntryContent
    {
        public override long Length => bytes.Length;

        public override void ForEachChunk(Action<ReadOnlySpan<byte>> write) => write(bytes);
    }

    private sealed class GeneratedContent(long length, Func<Action<Span<byte>>> newFiller) : EntryContent
    {
        private const int ChunkSize = 64 * 1024;

        public override long Length => length;

        public override void ForEachChunk(Action<ReadOnlySpan<byte>> write)
        {
            var chunk = new byte[ChunkSize];
            var fill = newFiller();
            for (long done = 0; done < length; done += ChunkSize)
            {
                var size = (int)Math.Min(ChunkSize, length - done);
                fill(chunk.AsSpan(0, size));
                write(chunk.AsSpan(0, size));
            }
        }
    }
}

/// <summary>
/// One entry as it will be written, with every field a hostile test may want to lie about. Unset overrides
/// mean the honest value.
/// </summary>
public sealed class ZipEntrySpec
{
    public const ushort Stored = 0;
    public const ushort Deflated = 8;

    public required string Name { get; set; }

    public EntryContent Content { get; set; } = EntryContent.Of([]);

    public ushort Method { get; set; } = Deflated;

    /// <summary>Unix <c>st_mode</c> placed in the high half of the external attributes; null writes no mode (host MS-DOS).</summary>
    public int? UnixMode { get; set; }

    /// <summary>Raw name bytes for both headers, e.g. bytes that are not UTF-8; overrides <see cref="Name"/>.</summary>
    public byte[]? NameBytes { get; set; }

    /// <summary>A different name in the local header only.</summary>
    public string? LocalName { get; set; }

    /// <summary>A different method in the local header only.</summary>
    public ushort? LocalMethod { get; set; }

    /// <summary>The uncompressed size claimed everywhere (a consistent lie).</summary>
    public long? DeclaredUncompressedSize { get; set; }

    /// <summary>The uncompressed size claimed by the local header only (by the data descriptor when there is one).</summary>
    public long? LocalUncompressedSize { get; set; }

    public uint? DeclaredCrc32 { get; set; }

    /// <summary>General-purpose flag bits added to both headers (bit 0: encrypted).</summary>
    public ushort ExtraFlags { get; set; }

    /// <summary>Flips bytes of the compressed data after it is written, leaving the headers honest.</summary>
    public bool CorruptData { get; set; }

    public bool IsDirectory => Name.EndsWith('/');
}

/// <summary>
/// Writes ZIP archives byte by byte (APPNOTE 4.3), including the ones no honest tool writes. Local headers are
/// patched after their data, so the output must be seekable; content streams through in chunks.
/// </summary>
public sealed class ZipArchiveWriter
{
    private const ushort MadeByUnix = (3 << 8) | 20;
    private const ushort DosTime = (8 << 11) | (0 << 5);
    private const ushort DosDate = ((2014 - 1980) << 9) | (11 << 5) | 13;

    public bool Zip64 { get; init; }

    public bool DataDescriptors { get; init; }

    /// <summary>Entries the classic end record claims (null: the true count); with ZIP64 the ZIP64 record keeps the true count.</summary>
    public int? DeclaredEntryCount { get; init; }

    /// <summary>Central-directory records added after the real ones: (name, index of the entry whose local header they point at).</summary>
    public IReadOnlyList<(string Name, int TargetIndex)> Aliases { get; init; } = [];

    public void Write(Stream output, IReadOnlyList<ZipEntrySpec> entries)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanSeek)
        {
            throw new ArgumentException("The ZIP writer patches local headers and needs a seekable stream.", nameof(output));
        }

        var written = entries.Select(entry => WriteLocal(output, entry)).ToList();
        foreach (var (name, target) in Aliases)
        {
            written.Add(written[target] with { CentralName = Encoding.UTF8.GetBytes(name) });
        }

        var directoryOffset = output.Position;
        foreach (var entry in written)
        {
            WriteCentral(output, entry);
        }

        WriteEnd(output, written.Count, directoryOffset, output.Position - directoryOffset);
    }

    private WrittenEntry WriteLocal(Stream output, ZipEntrySpec spec)
    {
        var offset = output.Position;
        var centralName = spec.NameBytes ?? Encoding.UTF8.GetBytes(spec.Name);
        var localName = spec.LocalName is { } local ? Encoding.UTF8.GetBytes(local) : centralName;
        var method = spec.IsDirectory ? ZipEntrySpec.Stored : spec.Method;
        var flags = (ushort)(0x0800 | spec.ExtraFlags | (DataDescriptors ? 0x0008 : 0));
        var localMethod = spec.LocalMethod ?? method;

        var header = new byte[30 + localName.Length + (Zip64 ? 20 : 0)];
        WriteLocalHeader(header, flags, localMethod, localName, 0, 0, 0);
        output.Write(header);

        var dataStart = output.Position;
        uint crc = 0;
        long length = 0;
        if (!spec.IsDirectory)
        {
            if (method == ZipEntrySpec.Deflated)
            {
                using var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
                spec.Content.ForEachChunk(chunk =>
                {
                    crc = ReferenceCrc32.Append(crc, chunk);
                    length += chunk.Length;
                    deflate.Write(chunk);
                });
            }
            else
            {
                spec.Content.ForEachChunk(chunk =>
                {
                    crc = ReferenceCrc32.Append(crc, chunk);
                    length += chunk.Length;
                    output.Write(chunk);
                });
            }
        }

        var compressed = output.Position - dataStart;
        if (spec.CorruptData && compressed > 0)
        {
            Corrupt(output, dataStart, compressed);
        }

        var declaredCrc = spec.DeclaredCrc32 ?? crc;
        var declaredLength = spec.DeclaredUncompressedSize ?? length;
        if (DataDescriptors)
        {
            var descriptor = new byte[Zip64 ? 24 : 16];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, 0x08074B50);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(4), declaredCrc);
            if (Zip64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(descriptor.AsSpan(8), (ulong)compressed);
                BinaryPrimitives.WriteUInt64LittleEndian(descriptor.AsSpan(16), (ulong)(spec.LocalUncompressedSize ?? declaredLength));
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(8), (uint)compressed);
                BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(12), (uint)(spec.LocalUncompressedSize ?? declaredLength));
            }

            output.Write(descriptor);
        }
        else
        {
            var end = output.Position;
            WriteLocalHeader(header, flags, localMethod, localName, declaredCrc, compressed, spec.LocalUncompressedSize ?? declaredLength);
            output.Position = offset;
            output.Write(header);
            output.Position = end;
        }

        var mode = spec.UnixMode ?? (spec.IsDirectory ? 0x41ED : 0x81A4);
        return new WrittenEntry(centralName, flags, method, declaredCrc, compressed, declaredLength, offset, (uint)mode << 16);
    }

    private void WriteLocalHeader(byte[] header, ushort flags, ushort method, byte[] name, uint crc, long compressed, long uncompressed)
    {
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0x04034B50);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], (ushort)(Zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[18..], Zip64 ? uint.MaxValue : (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(span[22..], Zip64 ? uint.MaxValue : (uint)uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)(Zip64 ? 20 : 0));
        name.CopyTo(span[30..]);
        if (Zip64)
        {
            var extra = span[(30 + name.Length)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)uncompressed);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], (ulong)compressed);
        }
    }

    private void WriteCentral(Stream output, WrittenEntry entry)
    {
        var header = new byte[46 + entry.CentralName.Length + (Zip64 ? 28 : 0)];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0x02014B50);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], MadeByUnix);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)(Zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], entry.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], entry.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(span[14..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], Zip64 ? uint.MaxValue : (uint)entry.Compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], Zip64 ? uint.MaxValue : (uint)entry.Uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)entry.CentralName.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[30..], (ushort)(Zip64 ? 28 : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(span[38..], entry.ExternalAttributes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[42..], Zip64 ? uint.MaxValue : (uint)entry.Offset);
        entry.CentralName.CopyTo(span[46..]);
        if (Zip64)
        {
            var extra = span[(46 + entry.CentralName.Length)..];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 24);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)entry.Uncompressed);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], (ulong)entry.Compressed);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[20..], (ulong)entry.Offset);
        }

        output.Write(header);
    }

    private void WriteEnd(Stream output, int count, long directoryOffset, long directorySize)
    {
        var classicCount = DeclaredEntryCount is { } lie ? (ushort)lie : Zip64 ? ushort.MaxValue : (ushort)count;
        if (Zip64)
        {
            var recordOffset = output.Position;
            var record = new byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064B50);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(4), 44);
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(12), MadeByUnix);
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(14), 45);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(24), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(32), (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(40), (ulong)directorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(48), (ulong)directoryOffset);
            output.Write(record);

            var locator = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064B50);
            BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), (ulong)recordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.AsSpan(16), 1);
            output.Write(locator);
        }

        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054B50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), classicCount);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), classicCount);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), Zip64 ? uint.MaxValue : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), Zip64 ? uint.MaxValue : (uint)directoryOffset);
        output.Write(end);
    }

    private static void Corrupt(Stream output, long start, long length)
    {
        var end = output.Position;
        var middle = start + (length / 2);
        var count = (int)Math.Min(8, length - (length / 2));
        var bytes = new byte[count];
        output.Position = middle;
        output.ReadExactly(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0xA5;
        }

        output.Position = middle;
        output.Write(bytes);
        output.Position = end;
    }

    private sealed record WrittenEntry(
        byte[] CentralName, ushort Flags, ushort Method, uint Crc, long Compressed, long Uncompressed, long Offset, uint ExternalAttributes);
}

/// <summary>A plain table CRC-32, kept apart from the product's so the two check each other.</summary>
public static class ReferenceCrc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var crc = (uint)n;
        for (var bit = 0; bit < 8; bit++)
        {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return crc;
    }).ToArray();

    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        crc = ~crc;
        foreach (var b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }
}
