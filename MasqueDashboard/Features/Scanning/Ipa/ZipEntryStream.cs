using System.Buffers;
using System.IO.Compression;

namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>
/// Charges real inflated bytes to the package and records the problems its entry streams find. The package
/// implements it; an entry stream holds nothing else of the package.
/// </summary>
internal interface IEntryReadBudget
{
    ZipLimits Limits { get; }

    /// <summary>Adds <paramref name="bytes"/> to the bytes inflated by all reads; false once the total is past its limit.</summary>
    bool TryCharge(long bytes);

    void Report(PackageProblem problem);
}

/// <summary>
/// One entry's content as a read-only stream of its declared length. Nothing is trusted: the real bytes
/// produced are counted against the declared size (more or fewer is a lie), against the entry's compression
/// ratio and against the package's total, and the CRC-32 is checked once a pass reaches the end. Each failure
/// records a problem on the package and throws <see cref="PackageFormatException"/>.
/// </summary>
/// <remarks>
/// Seeking is supported so a parser that needs random access (the Mach-O reader) can work without the entry
/// being copied: a stored entry seeks for free; a deflated one skips forward by inflating, and a backward seek
/// inflates again from the start, charged to the same budget. Read in order where possible.
/// </remarks>
internal sealed class ZipEntryStream : Stream
{
    private const int SkipBufferSize = 16 * 1024;

    private readonly Stream _archive;
    private readonly ZipEntryRecord _entry;
    private readonly IEntryReadBudget _budget;
    private readonly long _dataStart;
    private readonly long _length;
    private DeflateStream? _inflater;
    private long _produced;
    private long _position;
    private uint _crc;
    private long _crcPosition;
    private string? _failure;
    private bool _disposed;

    public ZipEntryStream(Stream archive, ZipEntryRecord entry, long dataStart, IEntryReadBudget budget)
    {
        _archive = archive;
        _entry = entry;
        _dataStart = dataStart;
        _budget = budget;
        _length = (long)entry.UncompressedSize;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }

        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    private bool IsStored => _entry.Method == ZipEntryRecord.Stored;

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new PackageFormatException(_failure, _dataStart);
        }

        if (_position >= _length)
        {
            if (_position == _length && !buffer.IsEmpty)
            {
                CheckEnd();
            }

            return 0;
        }

        var wanted = buffer[..(int)Math.Min(buffer.Length, _length - _position)];
        if (wanted.IsEmpty)
        {
            return 0;
        }

        var read = IsStored ? ReadStored(wanted) : ReadInflated(wanted);
        if (read == 0)
        {
            throw Fail(
                PackageProblemKind.Unsafe,
                $"Entry inflates to {_position} bytes, fewer than the {_length} its central directory declares");
        }

        if (IsStored)
        {
            Charge(read);
            if (_crcPosition == _position)
            {
                _crc = Crc32.Append(_crc, wanted[..read]);
                _crcPosition += read;
            }
        }

        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        Position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("An entry stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An entry stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _inflater?.Dispose();
            _inflater = null;
        }

        _disposed = true;
        base.Dispose(disposing);
    }

    private int ReadStored(Span<byte> destination)
    {
        var start = _dataStart + _position;
        if (_archive.Position != start)
        {
            _archive.Position = start;
        }

        return _archive.Read(destination);
    }

    private int ReadInflated(Span<byte> destination)
    {
        MoveInflaterTo(_position);
        return Inflate(destination);
    }

    /// <summary>Brings the inflater to <paramref name="target"/>: forward by inflating, backward by starting over.</summary>
    private void MoveInflaterTo(long target)
    {
        if (_inflater is null || target < _produced)
        {
            _inflater?.Dispose();
            _inflater = new DeflateStream(new ArchiveWindow(_archive, _dataStart, (long)_entry.CompressedSize), CompressionMode.Decompress);
            _produced = 0;
            _crc = 0;
            _crcPosition = 0;
        }

        if (_produced == target)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(SkipBufferSize);
        try
        {
            while (_produced < target)
            {
                var chunk = (int)Math.Min(SkipBufferSize, target - _produced);
                if (Inflate(scratch.AsSpan(0, chunk)) == 0)
                {
                    throw Fail(
                        PackageProblemKind.Unsafe,
                        $"Entry inflates to {_produced} bytes, fewer than the {_length} its central directory declares");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Every inflated byte passes here: counted, charged, checked against the ratio, and summed into the CRC.</summary>
    private int Inflate(Span<byte> destination)
    {
        int read;
        try
        {
            read = _inflater!.Read(destination);
        }
        catch (InvalidDataException exception)
        {
            throw Fail(PackageProblemKind.Invalid, $"Entry's deflate data is corrupt: {exception.Message}");
        }
        catch (PackageFormatException exception) when (_failure is null)
        {
            throw Fail(PackageProblemKind.Invalid, exception.Message);
        }

        if (read == 0)
        {
            return 0;
        }

        _produced += read;
        Charge(read);
        var limits = _budget.Limits;
        if (_produced > limits.MinBytesForRatioCheck &&
            (UInt128)_produced > (UInt128)_entry.CompressedSize * (UInt128)limits.MaxCompressionRatio)
        {
            throw Fail(
                PackageProblemKind.Unsafe,
                $"Entry inflated past {_produced} bytes from {_entry.CompressedSize} compressed, beyond the ratio limit of {limits.MaxCompressionRatio}:1 (a zip bomb)");
        }

        _crc = Crc32.Append(_crc, destination[..read]);
        _crcPosition = _produced;
        return read;
    }

    /// <summary>At the declared end: nothing may follow, and the pass's CRC-32 must match the central directory.</summary>
    private void CheckEnd()
    {
        if (!IsStored)
        {
            MoveInflaterTo(_length);
            Span<byte> probe = stackalloc byte[1];
            if (Inflate(probe) != 0)
            {
                throw Fail(
                    PackageProblemKind.Unsafe,
                    $"Entry inflates to more than the {_length} bytes its central directory declares");
            }
        }

        if (_crcPosition == _length && _crc != _entry.Crc32)
        {
            throw Fail(
                PackageProblemKind.Invalid,
                $"Entry's CRC-32 is 0x{_crc:X8}, not the 0x{_entry.Crc32:X8} its central directory declares: the data is corrupt");
        }
    }

    private void Charge(int bytes)
    {
        if (!_budget.TryCharge(bytes))
        {
            throw Fail(
                PackageProblemKind.Unsafe,
                $"Reads of this package have inflated more than the limit of {_budget.Limits.MaxTotalInflatedBytes} bytes");
        }
    }

    private PackageFormatException Fail(PackageProblemKind kind, string message)
    {
        _failure = message;
        _budget.Report(new PackageProblem(kind, message, _entry.PrintableName));
        return new PackageFormatException(message, _dataStart);
    }

    /// <summary>The compressed bytes of one entry: a window of the archive that reads never past its end.</summary>
    private sealed class ArchiveWindow(Stream archive, long start, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return Read(buffer.AsSpan(offset, count));
        }

        public override int Read(Span<byte> buffer)
        {
            var wanted = (int)Math.Min(buffer.Length, length - _position);
            if (wanted <= 0)
            {
                return 0;
            }

            var at = start + _position;
            if (archive.Position != at)
            {
                archive.Position = at;
            }

            var read = archive.Read(buffer[..wanted]);
            if (read == 0)
            {
                throw new PackageFormatException("The archive ended inside an entry's compressed data", at);
            }

            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
