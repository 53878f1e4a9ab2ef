namespace MasqueDashboard.Tests.Features.Scanning.Plist;

/// <summary>Builds binary plists byte by byte, so each test shows the exact bytes it feeds the reader.</summary>
internal static class Bplist
{
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(Uri.IsHexDigit)));

    /// <summary>Header, the objects in order, an offset table that points at each, and a matching trailer.</summary>
    public static byte[] Build(IReadOnlyList<byte[]> objects, int offsetSize = 1, int refSize = 1, long top = 0)
    {
        var bytes = new List<byte>("bplist00"u8.ToArray());
        var offsets = new List<long>(objects.Count);
        foreach (var item in objects)
        {
            offsets.Add(bytes.Count);
            bytes.AddRange(item);
        }

        var tableOffset = bytes.Count;
        foreach (var offset in offsets)
        {
            bytes.AddRange(BigEndian((ulong)offset, offsetSize));
        }

        bytes.AddRange(Trailer(offsetSize, refSize, (ulong)objects.Count, (ulong)top, (ulong)tableOffset));
        return [.. bytes];
    }

    /// <summary>DOMAIN T3's single-object template: the object at offset 8, a one-entry table, top object 0.</summary>
    public static byte[] Single(string objectHex) => Build([Hex(objectHex)]);

    public static byte[] Trailer(int offsetSize, int refSize, ulong objectCount, ulong top, ulong tableOffset) =>
    [
        0, 0, 0, 0, 0, 0, (byte)offsetSize, (byte)refSize,
        .. BigEndian(objectCount, 8), .. BigEndian(top, 8), .. BigEndian(tableOffset, 8),
    ];

    public static byte[] BigEndian(ulong value, int width)
    {
        var bytes = new byte[width];
        for (var i = width - 1; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        return bytes;
    }

    public static byte[] Array(int refSize, params long[] refs) =>
        [.. Counted(0xA0, refs.Length), .. refs.SelectMany(r => BigEndian((ulong)r, refSize))];

    public static byte[] Dictionary(int refSize, long[] keys, long[] values) =>
    [
        .. Counted(0xD0, keys.Length),
        .. keys.SelectMany(r => BigEndian((ulong)r, refSize)),
        .. values.SelectMany(r => BigEndian((ulong)r, refSize)),
    ];

    public static byte[] Ascii(string text) => [.. Counted(0x50, text.Length), .. text.Select(c => (byte)c)];

    public static byte[] Data(int length) => [.. Counted(0x40, length), .. new byte[length]];

    /// <summary>A marker with its count: in the low nibble below 15, else 0xF and an integer object.</summary>
    public static byte[] Counted(byte marker, long count) => count switch
    {
        < 15 => [(byte)(marker | count)],
        <= byte.MaxValue => [(byte)(marker | 0x0F), 0x10, (byte)count],
        <= ushort.MaxValue => [(byte)(marker | 0x0F), 0x11, .. BigEndian((ulong)count, 2)],
        <= uint.MaxValue => [(byte)(marker | 0x0F), 0x12, .. BigEndian((ulong)count, 4)],
        _ => [(byte)(marker | 0x0F), 0x13, .. BigEndian((ulong)count, 8)],
    };

    /// <summary><paramref name="levels"/> one-element arrays, each holding the next, around <c>false</c>.</summary>
    public static byte[] NestedArrays(int levels)
    {
        var objects = new List<byte[]>(levels + 1);
        for (var i = 0; i < levels; i++)
        {
            objects.Add(Array(4, i + 1));
        }

        objects.Add([0x08]);
        return Build(objects, offsetSize: 4, refSize: 4);
    }

    /// <summary>DOMAIN §3.4's bomb: <paramref name="levels"/> two-element arrays, both slots the next one.</summary>
    public static byte[] SharedChildBomb(int levels)
    {
        var objects = new List<byte[]>(levels + 1);
        for (var i = 0; i < levels; i++)
        {
            objects.Add(Array(1, i + 1, i + 1));
        }

        objects.Add([0x09]);
        return Build(objects);
    }
}
