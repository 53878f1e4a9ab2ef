namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>Magic numbers and command values from <c>mach-o/loader.h</c>, <c>fat.h</c>, <c>nlist.h</c> and
/// <c>cs_blobs.h</c> (DOMAIN §5.1–5.4). Kept in one place so a reviewer can check them against the headers.</summary>
internal static class MachOConstants
{
    public const uint MachMagic32 = 0xFEEDFACE;
    public const uint MachMagic64 = 0xFEEDFACF;
    public const uint MachCigam32 = 0xCEFAEDFE;
    public const uint MachCigam64 = 0xCFFAEDFE;
    public const uint FatMagic = 0xCAFEBABE;
    public const uint FatMagic64 = 0xCAFEBABF;

    /// <summary>A fat header read little-endian, as the thin-image reader reads its magic.</summary>
    public const uint FatCigam = 0xBEBAFECA;
    public const uint FatCigam64 = 0xBFBAFECA;

    public const int MachHeaderSize32 = 28;
    public const int MachHeaderSize64 = 32;
    public const int FatHeaderSize = 8;
    public const int FatArchSize = 20;
    public const int FatArch64Size = 32;
    public const int MaxFatAlign = 15;

    public const uint CpuArchAbi64 = 0x01000000;
    public const uint CpuArchAbi64_32 = 0x02000000;
    public const uint CpuArchMask = 0xFF000000;
    public const uint CpuSubtypeMask = 0xFF000000;
    public const uint CpuTypeX86 = 7;
    public const uint CpuTypeX86_64 = CpuTypeX86 | CpuArchAbi64;
    public const uint CpuTypeArm = 12;
    public const uint CpuTypeArm64 = CpuTypeArm | CpuArchAbi64;
    public const uint CpuTypeArm64_32 = CpuTypeArm | CpuArchAbi64_32;

    public const uint LcReqDyld = 0x80000000;
    public const uint LcSegment = 0x1;
    public const uint LcSymtab = 0x2;
    public const uint LcDysymtab = 0xB;
    public const uint LcLoadDylib = 0xC;
    public const uint LcIdDylib = 0xD;
    public const uint LcSegment64 = 0x19;
    public const uint LcUuid = 0x1B;
    public const uint LcCodeSignature = 0x1D;
    public const uint LcLazyLoadDylib = 0x20;
    public const uint LcEncryptionInfo = 0x21;
    public const uint LcDyldInfo = 0x22;
    public const uint LcVersionMinIphoneos = 0x25;
    public const uint LcFunctionStarts = 0x26;
    public const uint LcSourceVersion = 0x2A;
    public const uint LcEncryptionInfo64 = 0x2C;
    public const uint LcBuildVersion = 0x32;
    public const uint LcLoadWeakDylib = 0x18 | LcReqDyld;
    public const uint LcRpath = 0x1C | LcReqDyld;
    public const uint LcReexportDylib = 0x1F | LcReqDyld;
    public const uint LcDyldInfoOnly = 0x22 | LcReqDyld;
    public const uint LcLoadUpwardDylib = 0x23 | LcReqDyld;
    public const uint LcMain = 0x28 | LcReqDyld;
    public const uint LcDyldExportsTrie = 0x33 | LcReqDyld;
    public const uint LcDyldChainedFixups = 0x34 | LcReqDyld;

    public const int SegmentCommandSize32 = 56;
    public const int SegmentCommandSize64 = 72;
    public const int SectionSize32 = 68;
    public const int SectionSize64 = 80;
    public const int DylibCommandSize = 24;
    public const int RpathCommandSize = 12;
    public const int SymtabCommandSize = 24;
    public const int UuidCommandSize = 24;
    public const int LinkeditDataCommandSize = 16;
    public const int EncryptionInfoCommandSize32 = 20;
    public const int EncryptionInfoCommandSize64 = 24;
    public const int EntryPointCommandSize = 24;
    public const int NlistSize32 = 12;
    public const int NlistSize64 = 16;

    public const byte NStab = 0xE0;
    public const byte NPext = 0x10;
    public const byte NTypeMask = 0x0E;
    public const byte NExt = 0x01;
    public const byte NUndf = 0x0;

    public const uint SectionTypeMask = 0xFF;
    public const uint SZeroFill = 0x1;
    public const uint SGbZeroFill = 0xC;
    public const uint SThreadLocalZeroFill = 0x12;

    public const uint CsMagicEmbeddedSignature = 0xFADE0CC0;
    public const uint CsMagicDetachedSignature = 0xFADE0CC1;
    public const uint CsMagicCodeDirectory = 0xFADE0C02;
    public const uint CsMagicRequirements = 0xFADE0C01;
    public const uint CsMagicRequirement = 0xFADE0C00;
    public const uint CsMagicEmbeddedEntitlements = 0xFADE7171;
    public const uint CsMagicEmbeddedDerEntitlements = 0xFADE7172;
    public const uint CsMagicEmbeddedLaunchConstraint = 0xFADE8181;
    public const uint CsMagicBlobWrapper = 0xFADE0B01;

    public const uint CsSlotCodeDirectory = 0;
    public const uint CsSlotInfo = 1;
    public const uint CsSlotRequirements = 2;
    public const uint CsSlotResourceDir = 3;
    public const uint CsSlotEntitlements = 5;
    public const uint CsSlotDerEntitlements = 7;
    public const uint CsSlotLaunchConstraintSelf = 8;
    public const uint CsSlotLibraryConstraint = 11;
    public const uint CsSlotAlternateCodeDirectories = 0x1000;
    public const uint CsAlternateCodeDirectoryMax = 5;
    public const uint CsSlotSignature = 0x10000;

    public const int BlobHeaderSize = 8;
    public const int SuperBlobHeaderSize = 12;
    public const int BlobIndexSize = 8;

    public const uint CdVersionEarliest = 0x20001;
    public const uint CdVersionScatter = 0x20100;
    public const uint CdVersionTeam = 0x20200;
    public const uint CdVersionCodeLimit64 = 0x20300;
    public const uint CdVersionExecSeg = 0x20400;
    public const uint CdVersionRuntime = 0x20500;
    public const uint CdVersionLinkage = 0x20600;
    public const uint CdVersionLatestAccepted = 0x2F000;

    /// <summary>CS_CDHASH_LEN: every cdhash is truncated to 20 bytes whatever its algorithm (DOMAIN §5.5).</summary>
    public const int CdHashLength = 20;
}
