namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Turns XmlReader's line and position into a byte offset, so XML failures carry an offset like every other
/// <see cref="PackageFormatException"/>. The encoding is guessed as XmlReader guesses it (BOM, else a zero
/// in the first two bytes, else UTF-8); positions count characters, and a best effort is all this needs to be.
/// </summary>
internal static class XmlByteOffset
{
    public static long Find(ReadOnlySpan<byte> bytes, int line, int position)
    {
        if (line < 1)
        {
            return 0;
        }

        var (start, unit, bigEndian) = Layout(bytes);
        var i = start;
        var currentLine = 1;
        while (currentLine < line && i + unit <= bytes.Length)
        {
            var c = CodeUnit(bytes, i, unit, bigEndian);
            i += unit;
            var crlf = c == '\r' && i + unit <= bytes.Length && CodeUnit(bytes, i, unit, bigEndian) == '\n';
            if (c == '\n' || (c == '\r' && !crlf))
            {
                currentLine++;
            }
        }

        for (var column = 1; column < position && i + unit <= bytes.Length; column++)
        {
            i += unit == 1 ? Utf8SequenceLength(bytes[i]) : unit;
        }

        return Math.Min(i, bytes.Length);
    }

    private static (int Start, int Unit, bool BigEndian) Layout(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (3, 1, false),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (4, 4, false),
        [0x00, 0x00, 0xFE, 0xFF, ..] => (4, 4, true),
        [0xFF, 0xFE, ..] => (2, 2, false),
        [0xFE, 0xFF, ..] => (2, 2, true),
        [0x00, not 0x00, ..] => (0, 2, true),
        [not 0x00, 0x00, ..] => (0, 2, false),
        _ => (0, 1, false),
    };

    private static uint CodeUnit(ReadOnlySpan<byte> bytes, int i, int unit, bool bigEndian) => unit switch
    {
        1 => bytes[i],
        2 => bigEndian ? (uint)((bytes[i] << 8) | bytes[i + 1]) : (uint)(bytes[i] | (bytes[i + 1] << 8)),
        _ => bigEndian
            ? (uint)((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3])
            : (uint)(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)),
    };

    private static int Utf8SequenceLength(byte lead) => lead switch
    {
        < 0xC0 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        _ => 4,
    };
}
