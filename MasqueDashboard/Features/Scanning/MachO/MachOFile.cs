namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>A parsed executable: one slice for a thin file, one per architecture for a fat file.</summary>
public sealed record MachOFile(bool IsFat, IReadOnlyList<MachOSlice> Slices);

/// <summary>One thin Mach-O image. Offsets are absolute file offsets unless a name says otherwise.</summary>
public sealed record MachOSlice
{
    /// <summary>Where the slice starts in the file (0 for a thin file).</summary>
    public required long Offset { get; init; }

    public required long Size { get; init; }

    public required uint CpuType { get; init; }

    /// <summary>The subtype with the capability bits (<c>0xFF000000</c>) masked off, so arm64e is 2 (DOMAIN §5.1).</summary>
    public required uint CpuSubtype { get; init; }

    /// <summary>The subtype as stored, capability bits included (arm64e: <c>0x80000002</c>).</summary>
    public required uint CpuSubtypeRaw { get; init; }

    /// <summary>"armv7", "arm64", "arm64e", "x86_64"…; "cpu&lt;type&gt;/&lt;subtype&gt;" when unknown.</summary>
    public required string Architecture { get; init; }

    public required bool Is64Bit { get; init; }

    public required MachOFileType FileType { get; init; }

    public required MachOHeaderFlags Flags { get; init; }

    public bool IsPie => Flags.HasFlag(MachOHeaderFlags.Pie);

    public bool AllowsStackExecution => Flags.HasFlag(MachOHeaderFlags.AllowStackExecution);

    public bool NoHeapExecution => Flags.HasFlag(MachOHeaderFlags.NoHeapExecution);

    public required IReadOnlyList<LoadCommandInfo> LoadCommands { get; init; }

    public required IReadOnlyList<MachOSegment> Segments { get; init; }

    /// <summary>Load, weak, re-export, lazy and upward dylib commands, in file order.</summary>
    public required IReadOnlyList<DylibReference> LinkedDylibs { get; init; }

    /// <summary>The <c>LC_ID_DYLIB</c> name of a dylib, else null.</summary>
    public string? InstallName { get; init; }

    public required IReadOnlyList<string> Rpaths { get; init; }

    public EncryptionInfo? Encryption { get; init; }

    /// <summary>The embedded signature, or null when there is no <c>LC_CODE_SIGNATURE</c>.</summary>
    public CodeSignatureInfo? CodeSignature { get; init; }

    public required SymbolSummary Symbols { get; init; }

    /// <summary>Both <c>___stack_chk_guard</c> and <c>___stack_chk_fail</c> are imported (DOMAIN §5.10).</summary>
    public bool HasStackCanary => Symbols.HasStackCanary;

    /// <summary><c>_objc_release</c> or <c>_swift_release</c> is imported (DOMAIN §5.10).</summary>
    public bool UsesArc => Symbols.UsesArc;

    public Guid? Uuid { get; init; }

    /// <summary><c>LC_MAIN</c>'s entryoff (relative to <c>__TEXT</c>), or null.</summary>
    public ulong? EntryPointOffset { get; init; }

    /// <summary>Non-fatal findings about the slice's layout; signature problems are on <see cref="CodeSignature"/>.</summary>
    public required IReadOnlyList<MachOProblem> Problems { get; init; }
}

public enum MachOFileType : uint
{
    RelocatableObject = 1,
    Execute = 2,
    FixedVmLibrary = 3,
    Core = 4,
    Preload = 5,
    Dylib = 6,
    Dylinker = 7,
    Bundle = 8,
    DylibStub = 9,
    Dsym = 10,
    KextBundle = 11,
    FileSet = 12,
}

[Flags]
public enum MachOHeaderFlags : uint
{
    None = 0,
    NoUndefs = 0x1,
    IncrLink = 0x2,
    DyldLink = 0x4,
    TwoLevel = 0x80,
    AllowStackExecution = 0x20000,
    Pie = 0x200000,
    NoHeapExecution = 0x1000000,
}

/// <summary>One load command as found: <paramref name="Offset"/> is the absolute offset of its <c>cmd</c> field.</summary>
public sealed record LoadCommandInfo(uint Command, long Offset, uint Size)
{
    public string Name => Command switch
    {
        MachOConstants.LcSegment => "LC_SEGMENT",
        MachOConstants.LcSymtab => "LC_SYMTAB",
        MachOConstants.LcDysymtab => "LC_DYSYMTAB",
        MachOConstants.LcLoadDylib => "LC_LOAD_DYLIB",
        MachOConstants.LcIdDylib => "LC_ID_DYLIB",
        MachOConstants.LcSegment64 => "LC_SEGMENT_64",
        MachOConstants.LcUuid => "LC_UUID",
        MachOConstants.LcCodeSignature => "LC_CODE_SIGNATURE",
        MachOConstants.LcLazyLoadDylib => "LC_LAZY_LOAD_DYLIB",
        MachOConstants.LcEncryptionInfo => "LC_ENCRYPTION_INFO",
        MachOConstants.LcDyldInfo => "LC_DYLD_INFO",
        MachOConstants.LcVersionMinIphoneos => "LC_VERSION_MIN_IPHONEOS",
        MachOConstants.LcFunctionStarts => "LC_FUNCTION_STARTS",
        MachOConstants.LcSourceVersion => "LC_SOURCE_VERSION",
        MachOConstants.LcEncryptionInfo64 => "LC_ENCRYPTION_INFO_64",
        MachOConstants.LcBuildVersion => "LC_BUILD_VERSION",
        MachOConstants.LcLoadWeakDylib => "LC_LOAD_WEAK_DYLIB",
        MachOConstants.LcRpath => "LC_RPATH",
        MachOConstants.LcReexportDylib => "LC_REEXPORT_DYLIB",
        MachOConstants.LcDyldInfoOnly => "LC_DYLD_INFO_ONLY",
        MachOConstants.LcLoadUpwardDylib => "LC_LOAD_UPWARD_DYLIB",
        MachOConstants.LcMain => "LC_MAIN",
        MachOConstants.LcDyldExportsTrie => "LC_DYLD_EXPORTS_TRIE",
        MachOConstants.LcDyldChainedFixups => "LC_DYLD_CHAINED_FIXUPS",
        _ => $"0x{Command:X}",
    };
}

public sealed record MachOSegment(
    string Name,
    ulong VmAddress,
    ulong VmSize,
    ulong FileOffset,
    ulong FileSize,
    uint MaxProtection,
    uint InitialProtection,
    uint Flags,
    IReadOnlyList<MachOSection> Sections);

/// <summary>A section header; <paramref name="FileOffset"/> is relative to the slice, as stored.</summary>
public sealed record MachOSection(string Name, string SegmentName, ulong Address, ulong Size, uint FileOffset, uint Flags);

/// <summary>A dylib the image links; <paramref name="Command"/> tells load, weak, re-export, lazy or upward.</summary>
public sealed record DylibReference(string Name, uint Command, uint CurrentVersion, uint CompatibilityVersion)
{
    public bool IsWeak => Command == MachOConstants.LcLoadWeakDylib;
}

/// <summary><c>LC_ENCRYPTION_INFO(_64)</c> (DOMAIN §5.3); offsets are slice-relative, as stored.</summary>
public sealed record EncryptionInfo(long CommandOffset, uint CryptOffset, uint CryptSize, uint CryptId)
{
    /// <summary>FairPlay-encrypted (App Store delivered); a decrypted or non-store build has cryptid 0.</summary>
    public bool IsEncrypted => CryptId != 0;
}

/// <summary>What the hardening rules need from the symbol table (DOMAIN §5.10).</summary>
public sealed record SymbolSummary
{
    public static SymbolSummary None { get; } = new()
    {
        HasSymbolTable = false,
        SymbolCount = 0,
        ImportedSymbolCount = 0,
        ImportedSymbols = [],
        HasStackCheckGuard = false,
        HasStackCheckFail = false,
        UsesArc = false,
        HasLocalSymbols = false,
    };

    public required bool HasSymbolTable { get; init; }

    public required long SymbolCount { get; init; }

    /// <summary>Every <c>N_UNDF|N_EXT</c> symbol, counted even beyond the names kept.</summary>
    public required long ImportedSymbolCount { get; init; }

    /// <summary>Imported names in table order, at most <see cref="MachOReaderOptions.MaxImportedSymbolNames"/>.</summary>
    public required IReadOnlyList<string> ImportedSymbols { get; init; }

    public bool ImportedSymbolsTruncated => ImportedSymbols.Count < ImportedSymbolCount;

    public required bool HasStackCheckGuard { get; init; }

    public required bool HasStackCheckFail { get; init; }

    /// <summary>MobSF's rule: both <c>___stack_chk_guard</c> and <c>___stack_chk_fail</c> are imported.</summary>
    public bool HasStackCanary => HasStackCheckGuard && HasStackCheckFail;

    /// <summary><c>_objc_release</c> or <c>_swift_release</c> is imported.</summary>
    public required bool UsesArc { get; init; }

    /// <summary>A debugging (<c>N_STAB</c>) or local defined symbol remains, MobSF's "not stripped" test.</summary>
    public required bool HasLocalSymbols { get; init; }

    public bool IsStripped => !HasLocalSymbols;
}
