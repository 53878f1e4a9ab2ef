using System.Diagnostics.CodeAnalysis;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>Reads XML and binary (<c>bplist00</c>) property lists into <see cref="PlistNode"/>s.</summary>
public static class PlistReader
{
    /// <summary>
    /// Reads a property list, telling the form from its first bytes (DOMAIN §3.1).
    /// </summary>
    /// <exception cref="PackageFormatException">The bytes are not a property list this reader accepts.</exception>
    public static PlistDocument Read(ReadOnlySpan<byte> bytes, PlistReaderOptions? options = null)
    {
        options ??= PlistReaderOptions.Default;
        if (bytes.Length > options.MaxBytes)
        {
            throw new PackageFormatException(
                $"Property list of {bytes.Length} bytes exceeds the limit of {options.MaxBytes}", options.MaxBytes);
        }

        if (bytes.IsEmpty)
        {
            throw new PackageFormatException("Property list is empty", 0);
        }

        // CF takes any "bplist0" prefix as binary; only "bplist00" is a format we know (DOMAIN §3.1, §3.3).
        if (bytes.StartsWith("bplist"u8))
        {
            return BinaryPlistReader.Read(bytes, options);
        }

        return XmlPlistReader.Read(bytes, options);
    }

    public static bool TryRead(
        ReadOnlySpan<byte> bytes,
        [NotNullWhen(true)] out PlistDocument? document,
        [NotNullWhen(false)] out PackageFormatException? error,
        PlistReaderOptions? options = null)
    {
        try
        {
            document = Read(bytes, options);
            error = null;
            return true;
        }
        catch (PackageFormatException exception)
        {
            document = null;
            error = exception;
            return false;
        }
    }
}
