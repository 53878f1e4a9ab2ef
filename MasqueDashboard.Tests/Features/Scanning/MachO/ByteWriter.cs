using System.Buffers.Binary;
using System.Text;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

/// <summary>A growable byte buffer with explicit endianness, for building test inputs.</summary>
internal sealed class ByteWriter
{
    private readonly List<byte> _bytes = [];

    public int Position => _bytes.Count;

    public ByteWriter U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public ByteWriter U16LE(ushort value) => Put(2, b => BinaryPrimitives.WriteUInt16LittleEndian(b, value));

    public ByteWriter U32LE(uint value) => Put(4, b => BinaryPrimitives.WriteUInt32LittleEndian(b, value));

    public ByteWriter U64LE(ulong value) => Put(8, b => BinaryPrimitives.WriteUInt64LittleEndian(b, value));

    public ByteWriter U32BE(uint value) => Put(4, b => BinaryPrimitives.WriteUInt32BigEndian(b, value));

    public ByteWriter U64BE(ulong value) => Put(8, b => BinaryPrimitives.WriteUInt64BigEndian(b, value));

    public ByteWriter Bytes(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            _bytes.Add(b);
        }

        return this;
    }

    public ByteWriter Zeros(int count) => Bytes(new byte[count]);

    public ByteWriter CString(string value) => Bytes(Encoding.UTF8.GetBytes(value)).U8(0);

    public ByteWriter FixedName(string value, int size)
    {
        var raw = Encoding.UTF8.GetBytes(value);
        return Bytes(raw).Zeros(size - raw.Length);
    }

    public ByteWriter PadTo(int alignment)
    {
        while (_bytes.Count % alignment != 0)
        {
            _bytes.Add(0);
        }

        return this;
    }

    public ByteWriter PadToLength(int length)
    {
        while (_bytes.Count < length)
        {
            _bytes.Add(0);
        }

        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private ByteWriter Put(int size, SpanAction write)
    {
        Span<byte> scratch = stackalloc byte[8];
        write(scratch[..size]);
        return Bytes(scratch[..size]);
    }

    private delegate void SpanAction(Span<byte> buffer);
}

/// <summary>Patches fields of an already built file.</summary>
internal static class Patch
{
    public static byte[] U32LE(byte[] bytes, int offset, uint value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] U32BE(byte[] bytes, int offset, uint value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] U64BE(byte[] bytes, int offset, ulong value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] U8(byte[] bytes, int offset, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] = value;
        return copy;
    }

    public static uint ReadU32BE(byte[] bytes, int offset) => BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));

    public static uint ReadU32LE(byte[] bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
}
