using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using CsCheck;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

/// <summary>Generators of plist trees for CsCheck, and a structural comparison the model's reference-equal containers lack.</summary>
internal static class PlistTrees
{
    public const int MaxDepth = 20;

    private static readonly DateTimeOffset ReferenceDate = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Which values a form can carry exactly.</summary>
    public enum Form
    {
        Binary,
        Xml,
    }

    /// <summary>
    /// Bushy trees kept small (each node has on average fewer than one container child, so the size stays
    /// bounded), and chains of nested containers that reach <see cref="MaxDepth"/>.
    /// </summary>
    public static Gen<PlistNode> Tree(Form form) => Gen.Frequency<PlistNode>((3, Bushy(form)), (1, Chain(form)));

    private static Gen<PlistNode> Bushy(Form form) => Gen.Recursive<PlistNode>((depth, tree) =>
    {
        var leaf = Leaf(form);
        if (depth >= 6)
        {
            return leaf;
        }

        var array = tree.Array[0, 4].Select(items => (PlistNode)new PlistArray(items));
        var dictionary = Gen.Select(Text(form).Array[0, 4], tree.Array[4], (keys, values) => (PlistNode)DictionaryOf(keys, values));

        // Fifteen or more items need the extended count (marker low nibble 0xF).
        var wide = leaf.Array[15, 40].Select(items => (PlistNode)new PlistArray(items));
        return depth == 0
            ? Gen.Frequency<PlistNode>((3, leaf), (3, array), (3, dictionary), (1, wide))
            : Gen.Frequency<PlistNode>((7, leaf), (2, array), (2, dictionary));
    });

    /// <summary>1 to <see cref="MaxDepth"/> containers nested in one another, each with a leaf beside the next level.</summary>
    private static Gen<PlistNode> Chain(Form form) =>
        Gen.Select(Gen.Int[1, MaxDepth], Gen.Bool.Array[MaxDepth], Leaf(form).Array[MaxDepth + 1], Text(form).Array[MaxDepth], (depth, arrays, leaves, keys) =>
        {
            var node = leaves[MaxDepth];
            for (var level = 0; level < depth; level++)
            {
                node = arrays[level]
                    ? new PlistArray([leaves[level], node])
                    : DictionaryOf([keys[level] + "#1", keys[level] + "#2"], [leaves[level], node]);
            }

            return node;
        });

    public static Gen<PlistNode> Leaf(Form form)
    {
        var leaves = new List<(int, IGen<PlistNode>)>
        {
            (4, Text(form).Select(text => (PlistNode)new PlistString(text))),
            (3, Integer.Select(value => (PlistNode)new PlistInteger(value))),
            (2, Real(form).Select(value => (PlistNode)new PlistReal(value))),
            (1, Gen.Bool.Select(value => (PlistNode)new PlistBoolean(value))),
            (2, (form == Form.Xml ? WholeSecondDate : AnyBinaryDate).Select(value => (PlistNode)new PlistDate(value))),
            (2, Gen.Byte.Array[0, 120].Select(bytes => (PlistNode)new PlistData(bytes))),
        };
        if (form == Form.Binary)
        {
            leaves.Add((1, Gen.UInt.Select(value => (PlistNode)new PlistUid(value))));
        }

        return Gen.Frequency([.. leaves]);
    }

    /// <summary>−2^63 … 2^64−1, with the marker boundaries drawn often.</summary>
    public static Gen<Int128> Integer { get; } = Gen.Frequency<Int128>(
        (3, Gen.Int128[PlistInteger.MinValue, PlistInteger.MaxValue]),
        (2, Gen.Long.Select(value => (Int128)value)),
        (2, Gen.Int[-300, 70_000].Select(value => (Int128)value)),
        (2, Gen.OneOf<Int128>(
            0, 1, -1, 14, 15, 255, 256, 65_535, 65_536, uint.MaxValue, (Int128)uint.MaxValue + 1,
            long.MaxValue, (Int128)long.MaxValue + 1, long.MinValue, ulong.MaxValue)));

    /// <summary>Any double for binary (NaN payloads included); XML keeps the value but not a NaN's payload.</summary>
    public static Gen<double> Real(Form form)
    {
        var reals = new List<(int, IGen<double>)>
        {
            (3, Gen.Double),
            (2, Gen.ULong.Select(BitConverter.UInt64BitsToDouble)),
            (2, Gen.OneOf(
                0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
                double.MaxValue, double.MinValue, 0.1, 1e16, 1e-5, 123456789.125)),
        };
        if (form == Form.Binary)
        {
            // A signalling NaN with a payload: binary keeps the bits.
            reals.Add((1, Gen.Const(BitConverter.UInt64BitsToDouble(0x7FF0_0000_0000_0001))));
        }

        return Gen.Frequency([.. reals]);
    }

    /// <summary>CF's XML grammar has no fraction, so XML dates fall on whole seconds across years 1–9999.</summary>
    public static Gen<DateTimeOffset> WholeSecondDate { get; } =
        Gen.Long[DateTimeOffset.MinValue.ToUnixTimeSeconds(), DateTimeOffset.MaxValue.ToUnixTimeSeconds()]
            .Select(DateTimeOffset.FromUnixTimeSeconds);

    /// <summary>
    /// Any float64 a binary date may hold, turned into the instant the reader makes of it by reading a
    /// one-object plist (T3): the reader is the oracle for its own rounding.
    /// </summary>
    public static Gen<DateTimeOffset> AnyBinaryDate { get; } = Gen.Frequency<double>(
        (3, Gen.Double[-63_113_904_000.0, 252_423_993_599.0]),
        (2, Gen.Double[-1e9, 1e9]),
        (1, Gen.OneOf(0.0, -0.0, 437_558_400.0, -978_307_200.0, 0.5, -0.000_001, 1e-7)))
        .Select(DateFromReader);

    public static DateTimeOffset DateFromReader(double seconds)
    {
        Span<byte> bytes = stackalloc byte[8 + 9 + 1 + 32];
        "bplist00"u8.CopyTo(bytes);
        bytes[8] = 0x33;
        BinaryPrimitives.WriteDoubleBigEndian(bytes[9..], seconds);
        bytes[17] = 8;
        var trailer = bytes[18..];
        trailer[6] = 1;
        trailer[7] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(trailer[8..], 1);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[24..], 17);
        return ((PlistDate)PlistReader.Read(bytes).Root).Value;
    }

    /// <summary>Well-formed strings: ASCII, Latin and CJK, astral characters (surrogate pairs), and CR to test XML's escaping.</summary>
    public static Gen<string> Text(Form form)
    {
        var points = new List<(int, IGen<int>)>
        {
            (6, Gen.Int[0x20, 0x7E]),
            (2, Gen.OneOf('\t', '\n', '\r', '&', '<', '>', '"', '\'', ']').Select(c => (int)c)),
            (2, Gen.Int[0xA0, 0x2FF]),
            (2, Gen.Int[0x4E00, 0x9FFF]),
            (2, Gen.Int[0x1F300, 0x1FAFF]),
            (1, Gen.Int[0x10000, 0x10FFFF]),
            (1, Gen.Int[0xE000, 0xFFFD]),
        };
        if (form == Form.Binary)
        {
            // Characters XML 1.0 cannot carry at all, which a binary plist holds like any other.
            points.Add((1, Gen.Int[0x00, 0x1F]));
            points.Add((1, Gen.OneOf(0xFFFE, 0xFFFF)));
        }

        var codePoint = Gen.Frequency([.. points]);
        return codePoint.Array[0, 20].Select(chosen =>
        {
            var text = new StringBuilder();
            foreach (var point in chosen)
            {
                text.Append(char.ConvertFromUtf32(point));
            }

            return text.ToString();
        });
    }

    private static PlistDictionary DictionaryOf(string[] keys, PlistNode[] values)
    {
        var unique = keys.Distinct(StringComparer.Ordinal).ToArray();
        return new PlistDictionary(unique.Select((key, i) => KeyValuePair.Create(key, values[i])));
    }

    /// <summary>
    /// Throws with the path of the first difference. Dictionaries compare in order; reals compare by bits, except
    /// that when <paramref name="anyNaN"/> any NaN matches any NaN (XML writes "nan", not a payload).
    /// </summary>
    public static void AssertSame(PlistNode expected, PlistNode actual, bool anyNaN, string path = "$")
    {
        switch (expected, actual)
        {
            case (PlistArray e, PlistArray a):
                Assert.True(e.Count == a.Count, $"{path}: {e.Count} items expected, {a.Count} read");
                for (var i = 0; i < e.Count; i++)
                {
                    AssertSame(e[i], a[i], anyNaN, $"{path}[{i}]");
                }

                break;
            case (PlistDictionary e, PlistDictionary a):
                Assert.True(e.Keys.SequenceEqual(a.Keys, StringComparer.Ordinal), $"{path}: keys differ");
                foreach (var (key, value) in e)
                {
                    AssertSame(value, a[key], anyNaN, $"{path}.{key}");
                }

                break;
            case (PlistReal e, PlistReal a):
                var same = (anyNaN && double.IsNaN(e.Value) && double.IsNaN(a.Value)) ||
                    BitConverter.DoubleToInt64Bits(e.Value) == BitConverter.DoubleToInt64Bits(a.Value);
                Assert.True(same, $"{path}: real {Bits(e.Value)} expected, {Bits(a.Value)} read");
                break;
            default:
                Assert.True(expected.GetType() == actual.GetType(), $"{path}: {expected.GetType().Name} expected, {actual.GetType().Name} read");
                Assert.True(expected.Equals(actual), $"{path}: {expected} expected, {actual} read");
                break;
        }
    }

    private static string Bits(double value) =>
        $"{value.ToString("R", CultureInfo.InvariantCulture)} (0x{BitConverter.DoubleToInt64Bits(value):X16})";
}
