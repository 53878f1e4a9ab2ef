using System.Buffers.Binary;

namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>
/// The ZIP CRC-32 (reflected polynomial 0xEDB88320), slicing by eight so checking an entry costs little next to
/// inflating it. The BCL keeps its own copy internal and System.IO.Hashing is a separate package.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (start from 0) over <paramref name="bytes"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        var table = Table.AsSpan();
        crc = ~crc;
        while (bytes.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(bytes) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
            crc = table[(7 * 256) + (int)(low & 0xFF)] ^
                table[(6 * 256) + (int)((low >> 8) & 0xFF)] ^
                table[(5 * 256) + (int)((low >> 16) & 0xFF)] ^
                table[(4 * 256) + (int)(low >> 24)] ^
                table[(3 * 256) + (int)(high & 0xFF)] ^
                table[(2 * 256) + (int)((high >> 8) & 0xFF)] ^
                table[256 + (int)((high >> 16) & 0xFF)] ^
                table[(int)(high >> 24)];
            bytes = bytes[8..];
        }

        foreach (var b in bytes)
        {
            crc = table[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[(int)(previous & 0xFF)];
            }
        }

        return table;
    }
}
