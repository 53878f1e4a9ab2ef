namespace MasqueDashboard.Features.Scanning;

/// <summary>
/// The one exception the scanner's parsers throw when bytes do not follow their format. It carries the
/// offset at which reading failed, so a finding can point at the exact place in the file.
/// </summary>
public sealed class PackageFormatException : Exception
{
    public PackageFormatException(string message, long offset)
        : base($"{message} (offset {offset})")
    {
        Offset = offset;
    }

    public PackageFormatException(string message, long offset, Exception innerException)
        : base($"{message} (offset {offset})", innerException)
    {
        Offset = offset;
    }

    public long Offset { get; }
}
