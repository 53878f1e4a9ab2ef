namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>One central-directory entry as declared, with sizes and offset already resolved through ZIP64.</summary>
internal sealed class ZipEntryRecord
{
    public const ushort Stored = 0;
    public const ushort Deflated = 8;

    /// <summary>The name decoded as strict UTF-8; null when its bytes are not UTF-8.</summary>
    public required string? Name { get; init; }

    /// <summary>The name for messages and problems: control characters and stray bytes escaped.</summary>
    public required string PrintableName { get; init; }

    /// <summary>Position of this entry's central header, for error offsets.</summary>
    public required long CentralHeaderOffset { get; init; }

    public required ushort VersionMadeBy { get; init; }

    public required ushort Flags { get; init; }

    public required ushort Method { get; init; }

    public required uint Crc32 { get; init; }

    public required ulong CompressedSize { get; init; }

    public required ulong UncompressedSize { get; init; }

    public required ulong LocalHeaderOffset { get; init; }

    public required uint ExternalAttributes { get; init; }

    /// <summary>Whether the ZIP64 extra supplied a size, which widens the data descriptor's size fields.</summary>
    public required bool HasZip64Sizes { get; init; }

    public bool IsDirectory => Name is not null && Name.EndsWith('/');

    public bool IsEncrypted => (Flags & 0x0001) != 0 || (Flags & 0x0040) != 0;

    public bool HasDataDescriptor => (Flags & 0x0008) != 0;

    /// <summary>
    /// The Unix mode when "version made by" names Unix (3) or OS X (19), the systems whose tools keep
    /// <c>st_mode</c> in the high half of the external attributes (DOMAIN §2).
    /// </summary>
    public int? UnixMode => (VersionMadeBy >> 8) is 3 or 19 ? (int)(ExternalAttributes >> 16) : null;

    /// <summary>Set once the local header has been checked, so an entry read twice is checked once.</summary>
    public LocalHeaderCheck? LocalHeader { get; set; }
}

/// <summary>Where an entry's data starts once its local header was found; null <paramref name="DataStart"/> when it cannot be read.</summary>
internal sealed record LocalHeaderCheck(long? DataStart);
