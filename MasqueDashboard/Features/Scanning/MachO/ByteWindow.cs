using System.Buffers.Binary;
using System.Text;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// A bounded view over bytes already read from the file, in the manner of PEBinaryReader: every read is checked
/// against the window with overflow-safe arithmetic, and every failure names the absolute file offset of the field
/// that was wrong, never an index into a buffer.
/// </summary>
internal readonly struct ByteWindow
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _bytes;

    public ByteWindow(ReadOnlyMemory<byte> bytes, long baseOffset)
    {
        _bytes = bytes;
        BaseOffset = baseOffset;
    }

    /// <summary>Absolute file offset of the window's first byte.</summary>
    public long BaseOffset { get; }

    public int Length => _bytes.Length;

    public ReadOnlySpan<byte> Span => _bytes.Span;

    public ReadOnlyMemory<byte> Memory => _bytes;

    public bool Contains(ulong position, ulong count) => Ranges.Within(position, count, (ulong)_bytes.Length);

    public ReadOnlySpan<byte> Read(ulong position, ulong count, string what)
    {
        if (!Contains(position, count))
        {
            throw Fail($"{what} ({count} bytes at {position}) runs past the end of a {Length}-byte structure", position);
        }

        return _bytes.Span.Slice((int)position, (int)count);
    }

    public ByteWindow Sub(ulong position, ulong count, string what)
    {
        if (!Contains(position, count))
        {
            throw Fail($"{what} ({count} bytes at {position}) runs past the end of a {Length}-byte structure", position);
        }

        return new ByteWindow(_bytes.Slice((int)position, (int)count), BaseOffset + (long)position);
    }

    public byte U8(ulong position, string what) => Read(position, 1, what)[0];

    public ushort U16LE(ulong position, string what) => BinaryPrimitives.ReadUInt16LittleEndian(Read(position, 2, what));

    public uint U32LE(ulong position, string what) => BinaryPrimitives.ReadUInt32LittleEndian(Read(position, 4, what));

    public uint U32BE(ulong position, string what) => BinaryPrimitives.ReadUInt32BigEndian(Read(position, 4, what));

    public ulong U64LE(ulong position, string what) => BinaryPrimitives.ReadUInt64LittleEndian(Read(position, 8, what));

    public ulong U64BE(ulong position, string what) => BinaryPrimitives.ReadUInt64BigEndian(Read(position, 8, what));

    /// <summary>
    /// A NUL-terminated string that must end before <paramref name="end"/>: a missing terminator is an error rather
    /// than a string silently cut at the structure's end, as the kernel demands for CodeDirectory strings.
    /// </summary>
    public string CString(ulong position, ulong end, string what, long fieldOffset, bool strictUtf8 = true)
    {
        var bytes = CStringBytes(position, end, what, fieldOffset);
        if (!strictUtf8)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new PackageFormatException($"{what} is not valid UTF-8", BaseOffset + (long)position, e);
        }
    }

    public ReadOnlySpan<byte> CStringBytes(ulong position, ulong end, string what, long fieldOffset)
    {
        if (end > (ulong)Length || position >= end)
        {
            throw new PackageFormatException($"{what} starts at {position}, outside its {end}-byte container", fieldOffset);
        }

        var candidates = _bytes.Span[(int)position..(int)end];
        var nul = candidates.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new PackageFormatException($"{what} is not NUL-terminated inside its container", BaseOffset + (long)position);
        }

        return candidates[..nul];
    }

    /// <summary>A fixed-size, NUL-padded name such as <c>segname[16]</c>.</summary>
    public string FixedName(ulong position, int size, string what)
    {
        var raw = Read(position, (ulong)size, what);
        var nul = raw.IndexOf((byte)0);
        var name = nul < 0 ? raw : raw[..nul];
        try
        {
            return StrictUtf8.GetString(name);
        }
        catch (DecoderFallbackException e)
        {
            throw new PackageFormatException($"{what} is not valid UTF-8", BaseOffset + (long)position, e);
        }
    }

    public PackageFormatException Fail(string message, ulong position) =>
        new(message, BaseOffset + (long)Math.Min(position, (ulong)Length));
}

/// <summary>Overflow-safe range arithmetic: no sum of two untrusted values is ever computed before it is known to fit.</summary>
internal static class Ranges
{
    public static bool Within(ulong offset, ulong size, ulong limit) => offset <= limit && size <= limit - offset;

    public static bool Overlap(ulong aStart, ulong aSize, ulong bStart, ulong bSize) =>
        aSize != 0 && bSize != 0 && aStart < bStart + bSize && bStart < aStart + aSize;
}
