using System.Collections.ObjectModel;
using static MasqueDashboard.Features.Scanning.MachO.MachOConstants;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// Decodes one CodeDirectory (DOMAIN §5.5). Only the fields the version covers are read, and only once the header
/// they belong to fits the blob; the kernel's checks (hash type and size, slot ranges, NUL-terminated strings,
/// scatter and linkage inside the blob) are fatal, the layout checks Security.framework adds are problems.
/// </summary>
internal static class CodeDirectoryParser
{
    /// <summary>Signers write at most 11 special slots today (library constraints); anything far beyond is hostile.</summary>
    private const int MaxExposedSpecialSlots = 32;

    public static CodeDirectoryInfo Parse(uint slotType, ByteWindow cd, List<MachOProblem> problems)
    {
        var length = (uint)cd.Length;
        var version = cd.U32BE(8, "CodeDirectory version");
        if (version < CdVersionEarliest || version > CdVersionLatestAccepted)
        {
            throw cd.Fail($"CodeDirectory version 0x{version:X} is outside 0x20001…0x2F000", 8);
        }

        uint headerEnd = version switch
        {
            >= CdVersionLinkage => 108,
            >= CdVersionRuntime => 96,
            >= CdVersionExecSeg => 88,
            >= CdVersionCodeLimit64 => 64,
            >= CdVersionTeam => 52,
            >= CdVersionScatter => 48,
            _ => 44,
        };
        if (headerEnd > length)
        {
            throw cd.Fail($"CodeDirectory version 0x{version:X} needs a {headerEnd}-byte header but the blob has {length} bytes", 4);
        }

        var flags = (CodeDirectoryFlags)cd.U32BE(12, "flags");
        var hashOffset = cd.U32BE(16, "hashOffset");
        var identOffset = cd.U32BE(20, "identOffset");
        var nSpecialSlots = cd.U32BE(24, "nSpecialSlots");
        var nCodeSlots = cd.U32BE(28, "nCodeSlots");
        var codeLimit32 = cd.U32BE(32, "codeLimit");
        var hashSize = cd.U8(36, "hashSize");
        var hashType = (CodeDirectoryHashType)cd.U8(37, "hashType");
        var platform = cd.U8(38, "platform");
        var pageSize = cd.U8(39, "pageSize");

        var expectedHashSize = Hashing.SizeOf(hashType);
        if (expectedHashSize == 0)
        {
            throw cd.Fail($"CodeDirectory hash type {(byte)hashType} is unknown", 37);
        }

        if (hashSize != expectedHashSize)
        {
            throw cd.Fail($"hashSize {hashSize} does not match hash type {hashType} ({expectedHashSize})", 36);
        }

        if (hashType == CodeDirectoryHashType.Sha512)
        {
            problems.Add(new MachOProblem(MachOProblemCodes.HashTypeRefusedByKernel, "SHA-512 CodeDirectories are refused by the kernel", cd.BaseOffset + 37));
        }

        switch (pageSize)
        {
            case 12 or 14:
                break;
            case 0:
                // Security.framework's "single page" mode: valid to it, but iOS will not run such a binary (DOMAIN §5.5).
                problems.Add(new MachOProblem(MachOProblemCodes.PageSize, "pageSize 0 (one page) does not run on iOS", cd.BaseOffset + 39));
                break;
            default:
                throw cd.Fail($"page size 2^{pageSize} is neither 4 KiB nor 16 KiB", 39);
        }

        if (hashOffset > length)
        {
            throw cd.Fail($"hashOffset {hashOffset} lies past the {length}-byte CodeDirectory", 16);
        }

        if ((ulong)nSpecialSlots * hashSize > hashOffset)
        {
            throw cd.Fail($"{nSpecialSlots} special slots do not fit before hashOffset {hashOffset}", 24);
        }

        var hashesEnd = hashOffset + (ulong)nCodeSlots * hashSize;
        if (hashesEnd > length)
        {
            throw cd.Fail($"{nCodeSlots} code slots run past the {length}-byte CodeDirectory", 28);
        }

        if (hashesEnd != length)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.Length,
                $"the CodeDirectory is {length} bytes but its code slots end at {hashesEnd}",
                cd.BaseOffset + 4));
        }

        string? identifier = null;
        ulong stringsEnd = headerEnd;
        if (identOffset != 0)
        {
            identifier = cd.CString(identOffset, length, "CodeDirectory identifier", cd.BaseOffset + 20);
            stringsEnd = Math.Max(stringsEnd, identOffset + (ulong)cd.CStringBytes(identOffset, length, "identifier", cd.BaseOffset + 20).Length + 1);
            CheckOutsideHeader(cd, identOffset, headerEnd, "the identifier", 20, problems);
        }
        else
        {
            problems.Add(new MachOProblem(MachOProblemCodes.MissingIdentifier, "the CodeDirectory has no identifier", cd.BaseOffset + 20));
        }

        uint? scatterOffset = null;
        if (version >= CdVersionScatter)
        {
            scatterOffset = cd.U32BE(44, "scatterOffset");
            if (scatterOffset != 0)
            {
                stringsEnd = Math.Max(stringsEnd, CheckScatter(cd, scatterOffset.Value));
                CheckOutsideHeader(cd, scatterOffset.Value, headerEnd, "the scatter vector", 44, problems);
            }
        }

        string? teamId = null;
        if (version >= CdVersionTeam)
        {
            var teamOffset = cd.U32BE(48, "teamOffset");
            if (teamOffset != 0)
            {
                teamId = cd.CString(teamOffset, length, "CodeDirectory team identifier", cd.BaseOffset + 48);
                stringsEnd = Math.Max(stringsEnd, teamOffset + (ulong)cd.CStringBytes(teamOffset, length, "team", cd.BaseOffset + 48).Length + 1);
                CheckOutsideHeader(cd, teamOffset, headerEnd, "the team identifier", 48, problems);
            }
        }

        ulong codeLimit = codeLimit32;
        if (version >= CdVersionCodeLimit64)
        {
            var codeLimit64 = cd.U64BE(56, "codeLimit64");
            if (codeLimit64 != 0)
            {
                codeLimit = codeLimit64;
            }
        }

        ulong? execSegBase = null, execSegLimit = null;
        ExecSegmentFlags? execSegFlags = null;
        if (version >= CdVersionExecSeg)
        {
            execSegBase = cd.U64BE(64, "execSegBase");
            execSegLimit = cd.U64BE(72, "execSegLimit");
            execSegFlags = (ExecSegmentFlags)cd.U64BE(80, "execSegFlags");
        }

        uint? runtime = null, preEncryptOffset = null;
        if (version >= CdVersionRuntime)
        {
            runtime = cd.U32BE(88, "runtime");
            preEncryptOffset = cd.U32BE(92, "preEncryptOffset");
            if (preEncryptOffset != 0 && !Ranges.Within(preEncryptOffset.Value, (ulong)nCodeSlots * hashSize, length))
            {
                throw cd.Fail($"pre-encryption hashes at {preEncryptOffset} run past the CodeDirectory", 92);
            }
        }

        if (version >= CdVersionLinkage && cd.U8(96, "linkageHashType") != 0)
        {
            var linkageOffset = cd.U32BE(100, "linkageOffset");
            var linkageSize = cd.U32BE(104, "linkageSize");
            if (!Ranges.Within(linkageOffset, linkageSize, length))
            {
                throw cd.Fail($"linkage data ({linkageSize} bytes at {linkageOffset}) runs past the CodeDirectory", 100);
            }

            if ((ulong)linkageOffset + linkageSize <= hashOffset)
            {
                stringsEnd = Math.Max(stringsEnd, (ulong)linkageOffset + linkageSize);
            }
        }

        var specialStart = hashOffset - (ulong)nSpecialSlots * hashSize;
        if (specialStart != stringsEnd)
        {
            // Signers lay out header, scatter, identifier, team, special slots, code slots back to back (T13: 339 − 7×32
            // = 115); a gap or overlap means the blob was assembled by hand or edited.
            problems.Add(new MachOProblem(
                MachOProblemCodes.Layout,
                $"special slots start at {specialStart}, but the header and strings end at {stringsEnd}",
                cd.BaseOffset + 16));
        }

        var expectedSlots = codeLimit == 0 ? 0UL : pageSize == 0 ? 1UL : ((codeLimit - 1) >> pageSize) + 1;
        if (expectedSlots != nCodeSlots)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.CodeSlotCount,
                $"nCodeSlots is {nCodeSlots} but a code limit of {codeLimit} with 2^{pageSize}-byte pages needs {expectedSlots}",
                cd.BaseOffset + 28));
        }

        if (nSpecialSlots > MaxExposedSpecialSlots)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.SpecialSlotCount,
                $"{nSpecialSlots} special slots; only the first {MaxExposedSpecialSlots} are read",
                cd.BaseOffset + 24));
        }

        var special = new Dictionary<int, byte[]>();
        for (var n = 1; n <= Math.Min(nSpecialSlots, MaxExposedSpecialSlots); n++)
        {
            special[n] = cd.Read(hashOffset - (ulong)n * hashSize, hashSize, "special slot").ToArray();
        }

        var cdHash = Hashing.Digest(hashType, cd.Span)[..CdHashLength];
        return new CodeDirectoryInfo
        {
            SlotType = slotType,
            Offset = cd.BaseOffset,
            Length = length,
            Version = version,
            Flags = flags,
            HashOffset = hashOffset,
            HashType = hashType,
            HashSize = hashSize,
            Platform = platform,
            PageSizeLog2 = pageSize,
            Identifier = identifier,
            TeamId = teamId,
            SpecialSlotCount = nSpecialSlots,
            CodeSlotCount = nCodeSlots,
            CodeLimit32 = codeLimit32,
            CodeLimit = codeLimit,
            ScatterOffset = scatterOffset,
            ExecSegmentBase = execSegBase,
            ExecSegmentLimit = execSegLimit,
            ExecSegmentFlags = execSegFlags,
            Runtime = runtime,
            PreEncryptOffset = preEncryptOffset,
            CdHash = cdHash,
            SpecialSlotHashes = new ReadOnlyDictionary<int, byte[]>(special),
            Blob = cd.Span.ToArray(),
        };
    }

    /// <summary>The scatter vector is <c>{ count, base, targetOffset u64, spare u64 }</c> entries ending with a zero
    /// count; it must end inside the blob. Returns where it ends.</summary>
    private static ulong CheckScatter(ByteWindow cd, uint scatterOffset)
    {
        const int entrySize = 24;
        for (ulong position = scatterOffset; ; position += entrySize)
        {
            if (!cd.Contains(position, entrySize))
            {
                throw cd.Fail("the scatter vector does not end with a zero count inside the CodeDirectory", 44);
            }

            if (cd.U32BE(position, "scatter count") == 0)
            {
                return position + entrySize;
            }
        }
    }

    private static void CheckOutsideHeader(ByteWindow cd, uint offset, uint headerEnd, string what, ulong field, List<MachOProblem> problems)
    {
        if (offset < headerEnd)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.Layout,
                $"{what} at {offset} overlaps the {headerEnd}-byte header",
                cd.BaseOffset + (long)field));
        }
    }
}
