using System.Buffers.Binary;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Reads <c>bplist00</c> as DOMAIN §3.3–3.4 has it: the trailer is proven before any object is touched,
/// every count and ref is checked against the bytes present before it is used or allocated from, each
/// object is decoded once and shared, and recursion is bounded by the depth cap, checked before descending.
/// </summary>
internal ref struct BinaryPlistReader
{
    private const int HeaderLength = 8;
    private const int TrailerLength = 32;

    // Rule 1: header, one object byte and the trailer; the exact-length rule then demands a table too.
    private const int MinimumLength = 41;

    private const long TicksPerMicrosecond = 10;
    private const long MicrosecondsPerSecond = 1_000_000;

    private static readonly DateTimeOffset ReferenceDate = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Seconds from the 2001 reference date to DateTimeOffset.MinValue and to one tick past MaxValue.
    private static readonly double MinimumAbsoluteTime =
        (DateTimeOffset.MinValue.UtcTicks - ReferenceDate.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static readonly double EndAbsoluteTime =
        (DateTimeOffset.MaxValue.UtcTicks + 1 - ReferenceDate.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    // T8: lone surrogates are refused (CF would accept them, CPython refuses).
    private static readonly UnicodeEncoding StrictUtf16BigEndian =
        new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly PlistReaderOptions _options;
    private readonly int _offsetIntSize;
    private readonly int _objectRefSize;
    private readonly long _objectCount;
    private readonly long _topObject;
    private readonly long _tableOffset;
    private readonly Dictionary<long, Decoded> _decoded = [];
    private readonly HashSet<long> _path = [];
    private long _referencesDecoded;
    private bool _containsUid;

    private BinaryPlistReader(ReadOnlySpan<byte> bytes, PlistReaderOptions options)
    {
        _bytes = bytes;
        _options = options;

        if (!bytes.StartsWith("bplist00"u8))
        {
            throw Error("Binary plist version is not 00 (only bplist00 is supported)", 6);
        }

        if (bytes.Length < MinimumLength)
        {
            throw Error($"Binary plist of {bytes.Length} bytes is shorter than the minimum of {MinimumLength}", bytes.Length);
        }

        long trailerStart = bytes.Length - TrailerLength;
        var trailer = bytes[(int)trailerStart..];

        // Ours is stricter than CF and CPython: their writers only ever emit these widths (DOMAIN §3.4).
        _offsetIntSize = trailer[6];
        if (!IsStandardWidth(_offsetIntSize))
        {
            throw Error($"Trailer offset size {_offsetIntSize} is not 1, 2, 4 or 8", trailerStart + 6);
        }

        _objectRefSize = trailer[7];
        if (!IsStandardWidth(_objectRefSize))
        {
            throw Error($"Trailer object reference size {_objectRefSize} is not 1, 2, 4 or 8", trailerStart + 7);
        }

        var objectCount = BinaryPrimitives.ReadUInt64BigEndian(trailer[8..]);
        var topObject = BinaryPrimitives.ReadUInt64BigEndian(trailer[16..]);
        var tableOffset = BinaryPrimitives.ReadUInt64BigEndian(trailer[24..]);

        if (objectCount == 0 || objectCount > long.MaxValue)
        {
            throw Error($"Trailer object count {objectCount} is not within 1 … 2^63−1", trailerStart + 8);
        }

        if (topObject >= objectCount)
        {
            throw Error($"Trailer top object {topObject} is not below the object count {objectCount}", trailerStart + 16);
        }

        if (tableOffset < HeaderLength + 1 || tableOffset >= (ulong)trailerStart)
        {
            throw Error($"Trailer offset table offset {tableOffset} is not within 9 … {trailerStart - 1}", trailerStart + 24);
        }

        // Rule 2 (T10): the offset table ends where the trailer starts; no slack, no overlap.
        var tableEnd = (UInt128)tableOffset + (UInt128)objectCount * (UInt128)_offsetIntSize;
        if (tableEnd != (UInt128)trailerStart)
        {
            throw Error(
                $"Offset table of {objectCount} entries of {_offsetIntSize} bytes at {tableOffset} does not end where the trailer starts ({trailerStart})",
                trailerStart + 24);
        }

        // Rule 3: every object index fits a ref, every object offset fits a table entry.
        if (_objectRefSize < 8 && objectCount >= 1UL << (8 * _objectRefSize))
        {
            throw Error($"{objectCount} objects cannot be addressed by {_objectRefSize}-byte references", trailerStart + 7);
        }

        if (_offsetIntSize < 8 && tableOffset >= 1UL << (8 * _offsetIntSize))
        {
            throw Error($"Offset table offset {tableOffset} cannot be held in {_offsetIntSize}-byte offsets", trailerStart + 6);
        }

        _objectCount = (long)objectCount;
        _topObject = (long)topObject;
        _tableOffset = (long)tableOffset;
    }

    public static PlistDocument Read(ReadOnlySpan<byte> bytes, PlistReaderOptions options)
    {
        var reader = new BinaryPlistReader(bytes, options);
        reader.CheckOffsetTable();
        var top = reader.ReadObject(reader._topObject, depth: 0);
        return new PlistDocument(top.Node, PlistFormat.Binary, reader._containsUid);
    }

    private static bool IsStandardWidth(int width) => width is 1 or 2 or 4 or 8;

    private static PackageFormatException Error(string message, long offset) => new(message, offset);

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    // Rule 4, applied to every entry up front: each object starts after the header and before the table.
    private readonly void CheckOffsetTable()
    {
        for (long index = 0; index < _objectCount; index++)
        {
            var entryPosition = _tableOffset + (index * _offsetIntSize);
            var offset = ReadUnsigned(entryPosition, _offsetIntSize);
            if (offset < HeaderLength)
            {
                throw Error($"Offset table entry {index} points into the header ({offset})", entryPosition);
            }

            if (offset >= (ulong)_tableOffset)
            {
                throw Error($"Offset table entry {index} points at {offset}, outside the object area", entryPosition);
            }
        }
    }

    private readonly long ObjectOffset(long index) =>
        (long)ReadUnsigned(_tableOffset + (index * _offsetIntSize), _offsetIntSize);

    private readonly ulong ReadUnsigned(long position, int width)
    {
        var field = _bytes.Slice((int)position, width);
        return width switch
        {
            1 => field[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(field),
            4 => BinaryPrimitives.ReadUInt32BigEndian(field),
            _ => BinaryPrimitives.ReadUInt64BigEndian(field),
        };
    }

    // Rule 4: every object, count and ref array ends before the offset table.
    private readonly ReadOnlySpan<byte> Require(long start, long length, string what)
    {
        if (start > _tableOffset || length > _tableOffset - start)
        {
            throw Error($"{what} of {length} bytes at {start} runs past the object area, which ends at {_tableOffset}", start);
        }

        return _bytes.Slice((int)start, (int)length);
    }

    private Decoded ReadObject(long index, int depth)
    {
        var offset = ObjectOffset(index);

        // Shared references are legal (rule 6) and decoded once, keyed by offset so that aliased table
        // entries share too; a reuse deeper in the tree must still respect the depth cap.
        if (_decoded.TryGetValue(offset, out var shared))
        {
            if (depth + shared.Height > _options.MaxDepth)
            {
                throw Error($"Containers nest deeper than {_options.MaxDepth} levels", offset);
            }

            return shared;
        }

        var decoded = Decode(offset, depth);
        _decoded.Add(offset, decoded);
        return decoded;
    }

    private Decoded Decode(long offset, int depth)
    {
        var marker = _bytes[(int)offset];
        var low = marker & 0x0F;
        return (marker >> 4) switch
        {
            0x0 => Leaf(DecodeSingleton(marker, offset)),
            0x1 => Leaf(DecodeInteger(low, offset)),
            0x2 => Leaf(DecodeReal(low, offset)),
            0x3 when marker == 0x33 => Leaf(DecodeDate(offset)),
            0x4 => Leaf(DecodeData(marker, offset)),
            0x5 => Leaf(DecodeAscii(marker, offset)),
            0x6 => Leaf(DecodeUtf16(marker, offset)),
            0x8 => Leaf(DecodeUid(low, offset)),
            0xA => DecodeArray(marker, offset, depth),
            0xD => DecodeDictionary(marker, offset, depth),
            0x7 => throw Error($"UTF-8 string object (marker 0x{marker:X2}) is named by CF but never implemented", offset),
            0xB => throw Error($"Ordered set object (marker 0x{marker:X2}) is named by CF but never implemented", offset),
            0xC => throw Error($"Set object (marker 0x{marker:X2}) has no place in a property list CF returns", offset),
            _ => throw Error($"Unknown object marker 0x{marker:X2}", offset),
        };
    }

    private static Decoded Leaf(PlistNode node) => new(node, Height: 0, Size: 1);

    private static PlistBoolean DecodeSingleton(byte marker, long offset) => marker switch
    {
        0x08 => new PlistBoolean(false),
        0x09 => new PlistBoolean(true),
        0x00 => throw Error("Null object (marker 0x00) has no XML form and is refused", offset),
        0x0F => throw Error("Fill byte (marker 0x0F) is not an object", offset),
        _ => throw Error($"Unknown object marker 0x{marker:X2}", offset),
    };

    // 0x10–0x12 are unsigned, 0x13 signed; 0x14 only as CPython writes 2^63 … 2^64−1 (T3, T4).
    private readonly PlistInteger DecodeInteger(int low, long offset)
    {
        switch (low)
        {
            case <= 2:
                {
                    var width = 1 << low;
                    Require(offset + 1, width, "Integer");
                    return new PlistInteger(ReadUnsigned(offset + 1, width));
                }

            case 3:
                {
                    var field = Require(offset + 1, 8, "Integer");
                    return new PlistInteger(BinaryPrimitives.ReadInt64BigEndian(field));
                }

            case 4:
                {
                    var field = Require(offset + 1, 16, "Integer");
                    if (BinaryPrimitives.ReadUInt64BigEndian(field) != 0)
                    {
                        throw Error("16-byte integer has a non-zero high half; CF and CPython read it differently (T4)", offset);
                    }

                    return new PlistInteger(BinaryPrimitives.ReadUInt64BigEndian(field[8..]));
                }

            default:
                throw Error($"Integer of {1L << low} bytes is wider than 16 (marker 0x1{low:X})", offset);
        }
    }

    private readonly PlistReal DecodeReal(int low, long offset) => low switch
    {
        2 => new PlistReal(BinaryPrimitives.ReadSingleBigEndian(Require(offset + 1, 4, "Real"))),
        3 => new PlistReal(BinaryPrimitives.ReadDoubleBigEndian(Require(offset + 1, 8, "Real"))),
        _ => throw Error($"Real of marker 0x2{low:X} is neither float32 nor float64", offset),
    };

    private readonly PlistDate DecodeDate(long offset)
    {
        var seconds = BinaryPrimitives.ReadDoubleBigEndian(Require(offset + 1, 8, "Date"));

        // DOMAIN §3.3: NaN, infinities and instants outside years 1–9999 are refused before any conversion.
        if (!double.IsFinite(seconds) || seconds < MinimumAbsoluteTime || seconds >= EndAbsoluteTime)
        {
            throw Error($"Date of {seconds} seconds from 2001-01-01 is outside years 1–9999", offset);
        }

        // Held to the microsecond, as CPython rounds it (whole seconds exact, the fraction half-to-even):
        // the float64 carries no more precision across most of the range, and canonical forms then agree.
        var whole = Math.Truncate(seconds);
        var microseconds = ((long)whole * MicrosecondsPerSecond) +
            (long)Math.Round((seconds - whole) * MicrosecondsPerSecond, MidpointRounding.ToEven);
        var ticks = ReferenceDate.UtcTicks + (microseconds * TicksPerMicrosecond);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw Error($"Date of {seconds} seconds from 2001-01-01 is outside years 1–9999", offset);
        }

        return new PlistDate(new DateTimeOffset(ticks, TimeSpan.Zero));
    }

    private readonly PlistData DecodeData(byte marker, long offset)
    {
        var (count, start) = ReadCount(marker, offset);
        return PlistData.TakeOwnership(Require(start, count, "Data").ToArray());
    }

    private readonly PlistString DecodeAscii(byte marker, long offset)
    {
        var (count, start) = ReadCount(marker, offset);
        var text = Require(start, count, "ASCII string");
        var nonAscii = text.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        if (nonAscii >= 0)
        {
            throw Error($"ASCII string holds byte 0x{text[nonAscii]:X2}", start + nonAscii);
        }

        return new PlistString(Encoding.ASCII.GetString(text));
    }

    private readonly PlistString DecodeUtf16(byte marker, long offset)
    {
        var (count, start) = ReadCount(marker, offset);
        if (count > (_tableOffset - start) / 2)
        {
            throw Error($"UTF-16 string of {count} code units at {start} runs past the object area", start);
        }

        var text = Require(start, count * 2, "UTF-16 string");
        try
        {
            return new PlistString(StrictUtf16BigEndian.GetString(text));
        }
        catch (DecoderFallbackException exception)
        {
            throw new PackageFormatException("UTF-16 string is not well-formed (lone surrogate, T8)", start + Math.Max(0, exception.Index), exception);
        }
    }

    // T6: n+1 big-endian bytes; CF refuses values above 0xFFFFFFFF, and so do we.
    private PlistUid DecodeUid(int low, long offset)
    {
        var field = Require(offset + 1, low + 1, "UID");
        var significant = field.Length > 4 ? field[..^4] : ReadOnlySpan<byte>.Empty;
        if (significant.ContainsAnyExcept((byte)0))
        {
            throw Error("UID is above 0xFFFFFFFF (T6)", offset);
        }

        uint value = 0;
        foreach (var b in field[significant.Length..])
        {
            value = (value << 8) | b;
        }

        _containsUid = true;
        return new PlistUid(value);
    }

    // A low nibble of 0xF means an integer object follows with the count. CF demands an integer marker
    // there; ours narrows it to 0x10–0x13, the widths a count can have (T7).
    private readonly (long Count, long Start) ReadCount(byte marker, long offset)
    {
        var low = marker & 0x0F;
        if (low != 0x0F)
        {
            return (low, offset + 1);
        }

        var countMarker = Require(offset + 1, 1, "Count marker")[0];
        if (countMarker is < 0x10 or > 0x13)
        {
            throw Error($"Count marker 0x{countMarker:X2} is not an integer of 1, 2, 4 or 8 bytes (T7)", offset + 1);
        }

        var width = 1 << (countMarker & 0x03);
        Require(offset + 2, width, "Count");
        var count = ReadUnsigned(offset + 2, width);
        if (count > long.MaxValue)
        {
            throw Error($"Count {count} is above 2^63−1", offset + 2);
        }

        return ((long)count, offset + 2 + width);
    }

    private Decoded DecodeArray(byte marker, long offset, int depth)
    {
        var (count, refs) = EnterContainer(marker, offset, depth, refsPerEntry: 1);
        var items = new PlistNode[count];
        var height = 0;
        long size = 1;
        for (var i = 0; i < items.Length; i++)
        {
            var child = ReadReference(refs + ((long)i * _objectRefSize), depth + 1);
            items[i] = child.Node;
            height = Math.Max(height, child.Height);
            size = AddToSize(size, child.Size, offset);
        }

        _path.Remove(offset);
        return new Decoded(PlistArray.TakeOwnership(items), height + 1, size);
    }

    private Decoded DecodeDictionary(byte marker, long offset, int depth)
    {
        var (count, keyRefs) = EnterContainer(marker, offset, depth, refsPerEntry: 2);
        var valueRefs = keyRefs + ((long)count * _objectRefSize);
        var entries = new KeyValuePair<string, PlistNode>[count];
        var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var height = 0;
        long size = 1;
        for (var i = 0; i < entries.Length; i++)
        {
            var keyRefPosition = keyRefs + ((long)i * _objectRefSize);
            var key = ReadKey(keyRefPosition, depth + 1);
            if (!index.TryAdd(key, i))
            {
                throw Error($"Dictionary key '{key}' appears twice", keyRefPosition);
            }

            var value = ReadReference(valueRefs + ((long)i * _objectRefSize), depth + 1);
            entries[i] = new KeyValuePair<string, PlistNode>(key, value.Node);
            height = Math.Max(height, value.Height);
            size = AddToSize(size, value.Size, offset);
        }

        _path.Remove(offset);
        return new Decoded(PlistDictionary.TakeOwnership(entries, index), height + 1, size);
    }

    // Depth is checked before descending, the path set refuses cycles from depth 0 (rule 6, T9), and the
    // ref array must exist, and stay within the node bound, before anything is allocated from its count.
    private (int Count, long Refs) EnterContainer(byte marker, long offset, int depth, int refsPerEntry)
    {
        if (depth >= _options.MaxDepth)
        {
            throw Error($"Containers nest deeper than {_options.MaxDepth} levels", offset);
        }

        if (!_path.Add(offset))
        {
            throw Error("Container contains itself (reference cycle)", offset);
        }

        var (count, refs) = ReadCount(marker, offset);
        if (refs > _tableOffset || count > (_tableOffset - refs) / _objectRefSize / refsPerEntry)
        {
            throw Error($"Container of {count} entries at {offset} runs past the object area", refs);
        }

        if (count > _options.MaxNodes - _referencesDecoded)
        {
            throw Error($"Property list holds more than {_options.MaxNodes} references", offset);
        }

        _referencesDecoded += count;
        return ((int)count, refs);
    }

    private Decoded ReadReference(long position, int depth)
    {
        var index = ReadUnsigned(position, _objectRefSize);
        if (index >= (ulong)_objectCount)
        {
            throw Error($"Reference {index} is not below the object count {_objectCount}", position);
        }

        return ReadObject((long)index, depth);
    }

    private string ReadKey(long position, int depth)
    {
        var index = ReadUnsigned(position, _objectRefSize);
        if (index >= (ulong)_objectCount)
        {
            throw Error($"Reference {index} is not below the object count {_objectCount}", position);
        }

        // Ours: string keys only (DOMAIN §3.3); checked on the marker so a container key is never decoded.
        var keyOffset = ObjectOffset((long)index);
        var keyType = _bytes[(int)keyOffset] >> 4;
        if (keyType is not (0x5 or 0x6))
        {
            throw Error($"Dictionary key (marker 0x{_bytes[(int)keyOffset]:X2}) is not a string", keyOffset);
        }

        return ((PlistString)ReadObject((long)index, depth).Node).Value;
    }

    private readonly long AddToSize(long size, long childSize, long offset)
    {
        var total = SaturatingAdd(size, childSize);
        if (total > _options.MaxNodes)
        {
            throw Error($"Property list expands to more than {_options.MaxNodes} nodes", offset);
        }

        return total;
    }

    /// <summary>A decoded object with its container height and its size as a walker would count it.</summary>
    private readonly record struct Decoded(PlistNode Node, int Height, long Size);
}
