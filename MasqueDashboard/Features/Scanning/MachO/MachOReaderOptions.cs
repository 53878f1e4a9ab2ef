namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>Limits for <see cref="MachOReader"/>. The defaults suit a scanner stage reading one app executable.</summary>
public sealed record MachOReaderOptions
{
    public static MachOReaderOptions Default { get; } = new();

    /// <summary>
    /// Bytes one read may copy into memory, all slices together: headers, load commands, string tables and code
    /// signatures. Code pages and symbol entries are streamed and not counted. Default 128 MiB; going over it is a
    /// <see cref="PackageFormatException"/> whose message says "budget" (the scanner reports it as a stage limit).
    /// </summary>
    public long MaxBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary><c>0xCAFEBABE</c> is also a Java class file whose version reads as a huge <c>nfat_arch</c>
    /// (DOMAIN §5.2): more architectures than this is refused. Default 16.</summary>
    public int MaxFatArchitectures { get; init; } = 16;

    /// <summary>How many imported symbol names a slice keeps; all of them are still examined for the hardening
    /// summary. Default 10,000.</summary>
    public int MaxImportedSymbolNames { get; init; } = 10_000;

    /// <summary>Hash every code page and compare it with each CodeDirectory's code slots. Default on.</summary>
    public bool VerifyCodePageHashes { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 4096L, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBytes, (long)Array.MaxLength, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFatArchitectures, 1, nameof(MaxFatArchitectures));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxImportedSymbolNames, nameof(MaxImportedSymbolNames));
    }
}
