namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// The file as a seekable stream of known length. Structures are copied into <see cref="ByteWindow"/>s charged to one
/// budget for the whole read (<see cref="MachOReaderOptions.MaxBytes"/>); code pages and symbol entries are streamed
/// through fixed buffers instead, so a large executable is never held in memory whole.
/// </summary>
internal sealed class ByteSource
{
    private readonly Stream _stream;
    private readonly long _maxBytes;
    private long _charged;

    public ByteSource(Stream stream, long maxBytes)
    {
        _stream = stream;
        _maxBytes = maxBytes;
        Length = stream.Length;
    }

    public long Length { get; }

    /// <summary>Copies <paramref name="count"/> bytes at <paramref name="offset"/>; <paramref name="fieldOffset"/> is
    /// where the offending offset or size was read, which is what an error should point at.</summary>
    public ByteWindow ReadWindow(ulong offset, ulong count, string what, long fieldOffset)
    {
        if (!Ranges.Within(offset, count, (ulong)Length))
        {
            throw new PackageFormatException($"{what} ({count} bytes at {offset}) lies beyond the end of the {Length}-byte file", fieldOffset);
        }

        if (count > (ulong)(_maxBytes - _charged))
        {
            throw new PackageFormatException(
                $"{what} ({count} bytes) exceeds the reader's budget of {_maxBytes} bytes held in memory", fieldOffset);
        }

        _charged += (long)count;
        var buffer = new byte[count];
        ReadExactly((long)offset, buffer);
        return new ByteWindow(buffer, (long)offset);
    }

    /// <summary>Streams bytes without charging the budget: the caller owns a small fixed buffer.</summary>
    public void ReadExactly(long offset, Span<byte> destination)
    {
        if (!Ranges.Within((ulong)offset, (ulong)destination.Length, (ulong)Length))
        {
            throw new PackageFormatException($"{destination.Length} bytes at {offset} lie beyond the end of the file", offset);
        }

        try
        {
            _stream.Position = offset;
            _stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            // A stream whose Length promised more bytes than it delivers is treated as a truncated file.
            throw new PackageFormatException("the stream ended before its declared length", offset, e);
        }
    }
}
