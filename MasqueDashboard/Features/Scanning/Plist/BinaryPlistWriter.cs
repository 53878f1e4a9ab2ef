using System.Buffers;
using System.Buffers.Binary;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Writes <c>bplist00</c> as <see cref="BinaryPlistReader"/> reads it (DOMAIN §3.3–3.4): the top object first,
/// objects in depth-first order, refs and offsets in the smallest of 1, 2, 4 or 8 bytes that rule 3 allows, and
/// the exact length rule 2 demands. Equal scalars and the same container instance are written once.
/// </summary>
internal sealed class BinaryPlistWriter
{
    private const byte IntegerMarker = 0x10;
    private const byte RealMarker = 0x23;
    private const byte DateMarker = 0x33;
    private const byte DataMarker = 0x40;
    private const byte AsciiMarker = 0x50;
    private const byte Utf16Marker = 0x60;
    private const byte UidMarker = 0x80;
    private const byte ArrayMarker = 0xA0;
    private const byte DictionaryMarker = 0xD0;

    private readonly List<object> _objects = [];
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<PlistNode, int> _nodes = new(ObjectIdentity.Instance);
    private readonly Dictionary<PlistNode, int> _heights = new(ReferenceEqualityComparer.Instance);

    public static byte[] Write(PlistNode root)
    {
        var writer = new BinaryPlistWriter();
        writer.Collect(root, depth: 0);
        return writer.Emit();
    }

    /// <summary>Numbers every distinct object, depth first; returns the container height below <paramref name="node"/>.</summary>
    private int Collect(PlistNode node, int depth)
    {
        switch (node)
        {
            case PlistString text:
                AddString(text.Value);
                return 0;
            case PlistArray or PlistDictionary:
                return CollectContainer(node, depth);
            case PlistBoolean or PlistInteger or PlistReal or PlistDate or PlistData or PlistUid:
                if (!_nodes.ContainsKey(node))
                {
                    _nodes.Add(node, _objects.Count);
                    _objects.Add(node);
                }

                return 0;
            default:
                throw new ArgumentException($"Unknown plist node type {node.GetType().Name}.", nameof(node));
        }
    }

    private int CollectContainer(PlistNode container, int depth)
    {
        // A shared container is written once, but every place it appears must still respect the depth cap.
        if (_heights.TryGetValue(container, out var known))
        {
            PlistWriterChecks.CheckDepth(depth + known - 1);
            return known;
        }

        PlistWriterChecks.CheckDepth(depth);
        _nodes.Add(container, _objects.Count);
        _objects.Add(container);
        var childHeight = 0;
        if (container is PlistArray array)
        {
            foreach (var item in array)
            {
                childHeight = Math.Max(childHeight, Collect(item, depth + 1));
            }
        }
        else
        {
            var dictionary = (PlistDictionary)container;

            // CF and CPython list all keys before the values; numbering them first keeps that order in the file.
            foreach (var key in dictionary.Keys)
            {
                AddString(key);
            }

            foreach (var value in dictionary.Values)
            {
                childHeight = Math.Max(childHeight, Collect(value, depth + 1));
            }
        }

        _heights.Add(container, childHeight + 1);
        return childHeight + 1;
    }

    private void AddString(string value)
    {
        if (_strings.ContainsKey(value))
        {
            return;
        }

        PlistWriterChecks.CheckWellFormed(value);
        _strings.Add(value, _objects.Count);
        _objects.Add(value);
    }

    private byte[] Emit()
    {
        var objectCount = _objects.Count;
        var refSize = SmallestWidthAbove((ulong)objectCount);
        var output = new ArrayBufferWriter<byte>(256);
        output.Write("bplist00"u8);
        var offsets = new long[objectCount];
        for (var i = 0; i < objectCount; i++)
        {
            offsets[i] = output.WrittenCount;
            switch (_objects[i])
            {
                case string text:
                    WriteString(output, text);
                    break;
                case PlistArray array:
                    WriteCountedMarker(output, ArrayMarker, array.Count);
                    foreach (var item in array)
                    {
                        WriteUnsigned(output, (ulong)IndexOf(item), refSize);
                    }

                    break;
                case PlistDictionary dictionary:
                    WriteCountedMarker(output, DictionaryMarker, dictionary.Count);
                    foreach (var key in dictionary.Keys)
                    {
                        WriteUnsigned(output, (ulong)_strings[key], refSize);
                    }

                    foreach (var value in dictionary.Values)
                    {
                        WriteUnsigned(output, (ulong)IndexOf(value), refSize);
                    }

                    break;
                case PlistNode scalar:
                    WriteScalar(output, scalar);
                    break;
            }
        }

        // Rule 3: every offset, the table's own position included, must fit the offset width.
        var tableOffset = output.WrittenCount;
        var offsetSize = SmallestWidthAbove((ulong)tableOffset);
        foreach (var offset in offsets)
        {
            WriteUnsigned(output, (ulong)offset, offsetSize);
        }

        var trailer = output.GetSpan(32)[..32];
        trailer.Clear();
        trailer[6] = (byte)offsetSize;
        trailer[7] = (byte)refSize;
        BinaryPrimitives.WriteUInt64BigEndian(trailer[8..], (ulong)objectCount);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[16..], 0);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[24..], (ulong)tableOffset);
        output.Advance(32);
        return output.WrittenSpan.ToArray();
    }

    private int IndexOf(PlistNode node) =>
        node is PlistString text ? _strings[text.Value] : _nodes[node];

    /// <summary>The smallest of 1, 2, 4, 8 bytes whose range exceeds <paramref name="value"/> (DOMAIN §3.4 rule 3).</summary>
    private static int SmallestWidthAbove(ulong value) => value switch
    {
        <= byte.MaxValue => 1,
        <= ushort.MaxValue => 2,
        <= uint.MaxValue => 4,
        _ => 8,
    };

    private static void WriteScalar(ArrayBufferWriter<byte> output, PlistNode scalar)
    {
        switch (scalar)
        {
            case PlistBoolean boolean:
                WriteByte(output, boolean.Value ? (byte)0x09 : (byte)0x08);
                break;
            case PlistInteger integer:
                WriteInteger(output, integer.Value);
                break;
            case PlistReal real:
                WriteByte(output, RealMarker);
                BinaryPrimitives.WriteDoubleBigEndian(Take(output, 8), real.Value);
                break;
            case PlistDate date:
                WriteByte(output, DateMarker);
                BinaryPrimitives.WriteDoubleBigEndian(Take(output, 8), PlistWriterChecks.SecondsSince2001(date.Value));
                break;
            case PlistData data:
                WriteCountedMarker(output, DataMarker, data.Length);
                output.Write(data.Value.Span);
                break;
            case PlistUid uid:
                WriteUid(output, uid.Value);
                break;
        }
    }

    // T3/T4: 0x10–0x12 are unsigned, 0x13 signed (all negatives), and 2^63 … 2^64−1 as CPython writes them:
    // 0x14 with a zero high half, the one 16-byte form CF and CPython read alike.
    private static void WriteInteger(ArrayBufferWriter<byte> output, Int128 value)
    {
        if (value < 0 || value > ulong.MaxValue)
        {
            WriteByte(output, IntegerMarker | 3);
            BinaryPrimitives.WriteInt64BigEndian(Take(output, 8), (long)value);
        }
        else if (value > long.MaxValue)
        {
            WriteByte(output, IntegerMarker | 4);
            var field = Take(output, 16);
            field[..8].Clear();
            BinaryPrimitives.WriteUInt64BigEndian(field[8..], (ulong)value);
        }
        else
        {
            WriteUnsignedInteger(output, (ulong)value);
        }
    }

    private static void WriteUnsignedInteger(ArrayBufferWriter<byte> output, ulong value)
    {
        var width = value switch
        {
            <= byte.MaxValue => 1,
            <= ushort.MaxValue => 2,
            <= uint.MaxValue => 4,
            _ => 8,
        };
        WriteByte(output, (byte)(IntegerMarker | System.Numerics.BitOperations.Log2((uint)width)));
        WriteUnsigned(output, value, width);
    }

    // T6: n+1 bytes after the marker; CF writes 1, 2 or 4.
    private static void WriteUid(ArrayBufferWriter<byte> output, uint value)
    {
        var width = value switch
        {
            <= byte.MaxValue => 1,
            <= ushort.MaxValue => 2,
            _ => 4,
        };
        WriteByte(output, (byte)(UidMarker | (width - 1)));
        WriteUnsigned(output, value, width);
    }

    // DOMAIN §3.3: ASCII (5n) when every char is below 0x80, else UTF-16BE (6n) counted in code units.
    private static void WriteString(ArrayBufferWriter<byte> output, string text)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            WriteCountedMarker(output, AsciiMarker, text.Length);
            var ascii = Take(output, text.Length);
            System.Text.Encoding.ASCII.GetBytes(text, ascii);
            return;
        }

        WriteCountedMarker(output, Utf16Marker, text.Length);
        var utf16 = Take(output, text.Length * 2);
        for (var i = 0; i < text.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(utf16[(i * 2)..], text[i]);
        }
    }

    // A low nibble of 0xF means the count follows as an integer object (T7).
    private static void WriteCountedMarker(ArrayBufferWriter<byte> output, byte marker, int count)
    {
        if (count < 0x0F)
        {
            WriteByte(output, (byte)(marker | count));
            return;
        }

        WriteByte(output, (byte)(marker | 0x0F));
        WriteUnsignedInteger(output, (ulong)count);
    }

    private static void WriteUnsigned(ArrayBufferWriter<byte> output, ulong value, int width)
    {
        var field = Take(output, width);
        switch (width)
        {
            case 1:
                field[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(field, value);
                break;
        }
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    /// <summary>A span of exactly <paramref name="length"/> bytes, already counted as written.</summary>
    private static Span<byte> Take(ArrayBufferWriter<byte> output, int length)
    {
        var span = output.GetSpan(length)[..length];
        output.Advance(length);
        return span;
    }

    /// <summary>
    /// Scalars equal by value, containers by instance (their own equality). Reals compare by bits, since
    /// record equality calls 0.0 and −0.0 equal and writing one for the other would lose the sign.
    /// </summary>
    private sealed class ObjectIdentity : IEqualityComparer<PlistNode>
    {
        public static readonly ObjectIdentity Instance = new();

        public bool Equals(PlistNode? x, PlistNode? y) => (x, y) switch
        {
            (PlistReal a, PlistReal b) => BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value),
            _ => ReferenceEquals(x, y) || (x is not null && x.Equals((object?)y)),
        };

        public int GetHashCode(PlistNode obj) => obj is PlistReal real
            ? BitConverter.DoubleToInt64Bits(real.Value).GetHashCode()
            : obj.GetHashCode();
    }
}
