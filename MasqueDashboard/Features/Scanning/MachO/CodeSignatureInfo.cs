namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// The embedded signature of one slice (DOMAIN §5.4–5.8). Structural errors were fatal; what is left to judge is in
/// <see cref="Problems"/>. Byte arrays are copies owned by this record.
/// </summary>
public sealed record CodeSignatureInfo
{
    /// <summary>Absolute offset of the SuperBlob (for <see cref="CodeSignatureReader"/>: relative to its input).</summary>
    public required long Offset { get; init; }

    /// <summary>The SuperBlob's own <c>length</c> field.</summary>
    public required uint Length { get; init; }

    /// <summary>The SuperBlob index in stored order.</summary>
    public required IReadOnlyList<SuperBlobEntry> Entries { get; init; }

    /// <summary>The slot-0 CodeDirectory first, then alternates (<c>0x1000…0x1004</c>) in slot order.</summary>
    public required IReadOnlyList<CodeDirectoryInfo> CodeDirectories { get; init; }

    public CodeDirectoryInfo PrimaryCodeDirectory => CodeDirectories[0];

    /// <summary>The CD the kernel would use: SHA-1 &lt; SHA-256 truncated &lt; SHA-256 &lt; SHA-384 (DOMAIN §5.4).</summary>
    public CodeDirectoryInfo StrongestCodeDirectory => CodeDirectories.MaxBy(cd => cd.HashStrengthRank)!;

    /// <summary>The whole Requirements blob (slot 2), header included, as special slot −2 hashes it; null if absent.</summary>
    public byte[]? RequirementsBlob { get; init; }

    /// <summary>The XML entitlements plist (blob <c>0xFADE7171</c>, slot 5) as UTF-8 text; null if absent.</summary>
    public string? EntitlementsXml { get; init; }

    /// <summary>The DER entitlements (blob <c>0xFADE7172</c>, slot 7) without the 8-byte blob header; null if absent.</summary>
    public byte[]? EntitlementsDer { get; init; }

    /// <summary><see cref="EntitlementsDer"/> decoded, or null when absent or malformed (then a problem says so).</summary>
    public IReadOnlyDictionary<string, object>? DerEntitlements { get; init; }

    /// <summary>The detached CMS <c>SignedData</c> (blob <c>0xFADE0B01</c>) without its 8-byte header; null when the
    /// signature is ad hoc (no wrapper, or an empty one).</summary>
    public byte[]? CmsSignature { get; init; }

    public bool IsAdHoc => CmsSignature is null;

    public required IReadOnlyList<MachOProblem> Problems { get; init; }
}

/// <summary>One SuperBlob index entry: <paramref name="Offset"/> is relative to the SuperBlob, as stored.</summary>
public sealed record SuperBlobEntry(uint Type, uint Offset, uint Magic, uint Length);

public enum CodeDirectoryHashType : byte
{
    Sha1 = 1,
    Sha256 = 2,
    Sha256Truncated = 3,
    Sha384 = 4,
    Sha512 = 5,
}

[Flags]
public enum CodeDirectoryFlags : uint
{
    None = 0,
    Valid = 0x1,
    AdHoc = 0x2,
    GetTaskAllow = 0x4,
    Installer = 0x8,
    ForcedLibraryValidation = 0x10,
    InvalidAllowed = 0x20,
    Hard = 0x100,
    Kill = 0x200,
    CheckExpiration = 0x400,
    Restrict = 0x800,
    Enforcement = 0x1000,
    RequireLibraryValidation = 0x2000,
    Runtime = 0x10000,
    LinkerSigned = 0x20000,
}

[Flags]
public enum ExecSegmentFlags : ulong
{
    None = 0,
    MainBinary = 0x1,
    AllowUnsigned = 0x10,
    Debugger = 0x20,
    Jit = 0x40,
    SkipLibraryValidation = 0x80,
    CanLoadCdHash = 0x100,
    CanExecCdHash = 0x200,
}

/// <summary>The outcome of hashing the code pages against one CodeDirectory's code slots.</summary>
/// <param name="PagesChecked">Pages hashed and compared.</param>
/// <param name="PagesMismatched">Pages whose digest differs from their slot.</param>
/// <param name="PagesUnavailable">Slots whose page lies beyond the slice, so could not be hashed.</param>
public sealed record PageHashCheck(long PagesChecked, long PagesMismatched, long PagesUnavailable)
{
    public bool AllMatch => PagesMismatched == 0 && PagesUnavailable == 0;
}

/// <summary>A CodeDirectory (DOMAIN §5.5). Version-dependent fields are null when the version does not carry them.</summary>
public sealed record CodeDirectoryInfo
{
    /// <summary>0 for the primary CD, <c>0x1000…0x1004</c> for alternates.</summary>
    public required uint SlotType { get; init; }

    /// <summary>Absolute offset of the CD blob.</summary>
    public required long Offset { get; init; }

    public required uint Length { get; init; }

    public required uint Version { get; init; }

    public required CodeDirectoryFlags Flags { get; init; }

    public required uint HashOffset { get; init; }

    public required CodeDirectoryHashType HashType { get; init; }

    public required byte HashSize { get; init; }

    public required byte Platform { get; init; }

    /// <summary>log2 of the page size; 0 means "one page" (flagged as a problem).</summary>
    public required byte PageSizeLog2 { get; init; }

    public string? Identifier { get; init; }

    /// <summary>Null before version 0x20200 or when <c>teamOffset</c> is 0.</summary>
    public string? TeamId { get; init; }

    public required uint SpecialSlotCount { get; init; }

    public required uint CodeSlotCount { get; init; }

    /// <summary>The 32-bit <c>codeLimit</c> field as stored.</summary>
    public required uint CodeLimit32 { get; init; }

    /// <summary><c>codeLimit64</c> when non-zero and the version carries it, else <see cref="CodeLimit32"/>.</summary>
    public required ulong CodeLimit { get; init; }

    public uint? ScatterOffset { get; init; }

    public ulong? ExecSegmentBase { get; init; }

    public ulong? ExecSegmentLimit { get; init; }

    public ExecSegmentFlags? ExecSegmentFlags { get; init; }

    public uint? Runtime { get; init; }

    public uint? PreEncryptOffset { get; init; }

    /// <summary>The CD blob's digest with its own hash type, truncated to 20 bytes (DOMAIN §5.5, T13).</summary>
    public required byte[] CdHash { get; init; }

    public string CdHashHex => Convert.ToHexStringLower(CdHash);

    /// <summary>Special slot −n keyed by n (1 = Info.plist, 2 = requirements, 3 = CodeResources, 5 = entitlements,
    /// 7 = DER entitlements…), all-zero when the item is absent.</summary>
    public required IReadOnlyDictionary<int, byte[]> SpecialSlotHashes { get; init; }

    /// <summary>The whole CD blob: the detached content the CMS signature covers (DOMAIN §5.8).</summary>
    public required byte[] Blob { get; init; }

    /// <summary>Null when the code bytes were not available or verification was turned off.</summary>
    public PageHashCheck? PageHashes { get; init; }

    public int HashStrengthRank => HashType switch
    {
        CodeDirectoryHashType.Sha1 => 1,
        CodeDirectoryHashType.Sha256Truncated => 2,
        CodeDirectoryHashType.Sha256 => 3,
        CodeDirectoryHashType.Sha384 => 4,
        _ => 0,
    };

    public byte[]? GetSpecialSlotHash(int slot) => SpecialSlotHashes.GetValueOrDefault(slot);
}
