using System.Security.Cryptography;
using System.Text;
using static MasqueDashboard.Features.Scanning.MachO.MachOConstants;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// Parses an embedded-signature SuperBlob (DOMAIN §5.4–5.7). Layout errors the kernel would refuse are fatal; the
/// consistency checks that follow (special slots, page hashes, CD layout) add problems and never stop each other.
/// </summary>
internal static class CodeSignatureParser
{
    /// <summary>Real signatures index about a dozen blobs; past this a count is hostile, whatever the length allows.</summary>
    private const uint MaxSuperBlobEntries = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Where the code pages a CodeDirectory hashes can be read from.</summary>
    internal sealed record CodePages(ByteSource Source, long SliceOffset, long SliceSize, ulong SignatureOffset, CancellationToken Token);

    private sealed record Blob(uint Type, uint Offset, uint Magic, uint Length, ByteWindow Bytes);

    public static CodeSignatureInfo Parse(ByteWindow signature, CodePages? pages, MachOReaderOptions options)
    {
        var problems = new List<MachOProblem>();
        var magic = signature.U32BE(0, "SuperBlob magic");
        if (magic != CsMagicEmbeddedSignature)
        {
            throw signature.Fail(magic == CsMagicDetachedSignature
                ? "a detached signature SuperBlob (0xFADE0CC1) cannot be embedded in a Mach-O"
                : $"SuperBlob magic is 0x{magic:X8}, not 0xFADE0CC0", 0);
        }

        var length = signature.U32BE(4, "SuperBlob length");
        if (length < SuperBlobHeaderSize || length > (uint)signature.Length)
        {
            throw signature.Fail($"SuperBlob length {length} is outside 12…{signature.Length} (the LC_CODE_SIGNATURE datasize)", 4);
        }

        var count = signature.U32BE(8, "SuperBlob count");
        if (count > (length - SuperBlobHeaderSize) / BlobIndexSize || count > MaxSuperBlobEntries)
        {
            throw signature.Fail($"SuperBlob count {count} does not fit its {length}-byte length or exceeds {MaxSuperBlobEntries}", 8);
        }

        var blobs = ReadIndex(signature, length, count);
        CheckTrailingPadding(signature, length, problems);

        var codeDirectoryBlobs = blobs
            .Where(b => b.Type == CsSlotCodeDirectory || IsAlternateCodeDirectory(b.Type))
            .OrderBy(b => b.Type)
            .ToList();
        if (codeDirectoryBlobs.Count == 0 || codeDirectoryBlobs[0].Type != CsSlotCodeDirectory)
        {
            throw signature.Fail("the SuperBlob has no CodeDirectory at slot 0", 8);
        }

        var byType = blobs.ToDictionary(b => b.Type);
        var requirements = byType.GetValueOrDefault(CsSlotRequirements);
        var xml = byType.GetValueOrDefault(CsSlotEntitlements);
        var der = byType.GetValueOrDefault(CsSlotDerEntitlements);
        var cms = byType.GetValueOrDefault(CsSlotSignature);

        var codeDirectories = new List<CodeDirectoryInfo>();
        foreach (var blob in codeDirectoryBlobs)
        {
            var cd = CodeDirectoryParser.Parse(blob.Type, blob.Bytes, problems);
            if (codeDirectories.Any(other => other.HashType == cd.HashType))
            {
                // xnu refuses two CDs of one hash type: which one it validated would be ambiguous.
                throw new PackageFormatException($"two CodeDirectories use hash type {cd.HashType}", blob.Bytes.BaseOffset + 37);
            }

            CheckSpecialSlots(cd, blob.Bytes, byType, problems);
            if (pages is not null && options.VerifyCodePageHashes)
            {
                cd = cd with { PageHashes = VerifyCodePages(cd, blob.Bytes, pages, problems) };
            }
            else if (pages is not null)
            {
                CheckCodeLimit(cd, blob.Bytes, pages, problems);
            }

            codeDirectories.Add(cd);
        }

        CheckAlternatesAgree(codeDirectories, problems);

        if (requirements is not null)
        {
            CheckRequirements(requirements.Bytes, problems);
        }

        string? entitlementsXml = null;
        if (xml is not null)
        {
            var text = xml.Bytes.Read(BlobHeaderSize, xml.Length - BlobHeaderSize, "entitlements plist");
            try
            {
                entitlementsXml = StrictUtf8.GetString(text);
            }
            catch (DecoderFallbackException e)
            {
                throw new PackageFormatException("the XML entitlements are not valid UTF-8", xml.Bytes.BaseOffset + BlobHeaderSize, e);
            }
        }

        byte[]? entitlementsDer = null;
        IReadOnlyDictionary<string, object>? derEntitlements = null;
        if (der is not null)
        {
            entitlementsDer = der.Bytes.Read(BlobHeaderSize, der.Length - BlobHeaderSize, "DER entitlements").ToArray();
            try
            {
                derEntitlements = DerEntitlementsReader.Read(entitlementsDer, der.Bytes.BaseOffset + BlobHeaderSize);
            }
            catch (PackageFormatException e)
            {
                problems.Add(new MachOProblem(MachOProblemCodes.DerEntitlementsMalformed, e.Message, e.Offset));
            }
        }

        if ((xml is null) != (der is null))
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.EntitlementsFormMissing,
                xml is null
                    ? "DER entitlements without the XML form"
                    : "XML entitlements without the DER form (such an app does not launch on iOS 15+)",
                (xml ?? der)!.Bytes.BaseOffset));
        }

        byte[]? cmsBytes = cms is { Length: > BlobHeaderSize }
            ? cms.Bytes.Read(BlobHeaderSize, cms.Length - BlobHeaderSize, "CMS signature").ToArray()
            : null;
        var primary = codeDirectories[0];
        var adHocFlag = primary.Flags.HasFlag(CodeDirectoryFlags.AdHoc);
        if (adHocFlag == cmsBytes is not null)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.AdHocFlagMismatch,
                adHocFlag ? "CS_ADHOC is set but a CMS signature is present" : "no CMS signature but CS_ADHOC is not set",
                primary.Offset + 12));
        }

        return new CodeSignatureInfo
        {
            Offset = signature.BaseOffset,
            Length = length,
            Entries = blobs.Select(b => new SuperBlobEntry(b.Type, b.Offset, b.Magic, b.Length)).ToList().AsReadOnly(),
            CodeDirectories = codeDirectories.AsReadOnly(),
            RequirementsBlob = requirements?.Bytes.Span.ToArray(),
            EntitlementsXml = entitlementsXml,
            EntitlementsDer = entitlementsDer,
            DerEntitlements = derEntitlements,
            CmsSignature = cmsBytes,
            Problems = problems.AsReadOnly(),
        };
    }

    private static bool IsAlternateCodeDirectory(uint type) =>
        type >= CsSlotAlternateCodeDirectories && type < CsSlotAlternateCodeDirectories + CsAlternateCodeDirectoryMax;

    private static List<Blob> ReadIndex(ByteWindow signature, uint length, uint count)
    {
        var indexEnd = SuperBlobHeaderSize + (ulong)count * BlobIndexSize;
        var blobs = new List<Blob>((int)count);
        var seen = new HashSet<uint>();
        for (var i = 0u; i < count; i++)
        {
            var entry = SuperBlobHeaderSize + (ulong)i * BlobIndexSize;
            var type = signature.U32BE(entry, "blob index type");
            var offset = signature.U32BE(entry + 4, "blob index offset");
            if (!seen.Add(type))
            {
                // The kernel refuses a second entitlements blob; no index type is meaningful twice.
                throw signature.Fail($"SuperBlob index type 0x{type:X} appears twice", entry);
            }

            if (offset < indexEnd || !Ranges.Within(offset, BlobHeaderSize, length))
            {
                throw signature.Fail($"blob 0x{type:X} offset {offset} is outside {indexEnd}…{length}", entry + 4);
            }

            var magic = signature.U32BE(offset, "blob magic");
            var blobLength = signature.U32BE(offset + 4ul, "blob length");
            if (blobLength < BlobHeaderSize || blobLength > length - offset)
            {
                throw signature.Fail($"blob 0x{type:X} length {blobLength} does not fit the SuperBlob", offset + 4ul);
            }

            var expected = ExpectedMagic(type);
            if (expected is { } m && magic != m)
            {
                throw signature.Fail($"blob of index type 0x{type:X} has magic 0x{magic:X8}, expected 0x{m:X8}", offset);
            }

            blobs.Add(new Blob(type, offset, magic, blobLength, signature.Sub(offset, blobLength, "blob")));
        }

        var ordered = blobs.OrderBy(b => b.Offset).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if ((ulong)ordered[i - 1].Offset + ordered[i - 1].Length > ordered[i].Offset)
            {
                throw signature.Fail($"blob 0x{ordered[i].Type:X} overlaps blob 0x{ordered[i - 1].Type:X}", ordered[i].Offset);
            }
        }

        return blobs;
    }

    private static uint? ExpectedMagic(uint type) => type switch
    {
        CsSlotCodeDirectory => CsMagicCodeDirectory,
        _ when IsAlternateCodeDirectory(type) => CsMagicCodeDirectory,
        CsSlotRequirements => CsMagicRequirements,
        CsSlotEntitlements => CsMagicEmbeddedEntitlements,
        CsSlotDerEntitlements => CsMagicEmbeddedDerEntitlements,
        >= CsSlotLaunchConstraintSelf and <= CsSlotLibraryConstraint => CsMagicEmbeddedLaunchConstraint,
        CsSlotSignature => CsMagicBlobWrapper,
        _ => null,
    };

    private static void CheckTrailingPadding(ByteWindow signature, uint length, List<MachOProblem> problems)
    {
        var tail = signature.Span[(int)length..];
        var nonZero = tail.IndexOfAnyExcept((byte)0);
        if (nonZero >= 0)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.SignatureTrailingData,
                "non-zero bytes follow the SuperBlob inside the signature's datasize",
                signature.BaseOffset + length + nonZero));
        }
    }

    /// <summary>Special slot −n must hold the hash of blob n when it is stored, and zeros when it is not (DOMAIN §5.4).</summary>
    private static void CheckSpecialSlots(CodeDirectoryInfo cd, ByteWindow cdBytes, Dictionary<uint, Blob> byType, List<MachOProblem> problems)
    {
        uint[] boundTypes = [CsSlotRequirements, CsSlotEntitlements, CsSlotDerEntitlements, 8, 9, 10, CsSlotLibraryConstraint];
        foreach (var type in boundTypes)
        {
            var slot = (int)type;
            var slotOffset = cdBytes.BaseOffset + cd.HashOffset - (long)slot * cd.HashSize;
            var stored = cd.GetSpecialSlotHash(slot);
            if (byType.TryGetValue(type, out var blob))
            {
                if (stored is null)
                {
                    problems.Add(new MachOProblem(
                        MachOProblemCodes.SpecialSlotUnbound,
                        $"blob 0x{type:X} is present but CD 0x{cd.SlotType:X} has only {cd.SpecialSlotCount} special slots",
                        blob.Bytes.BaseOffset));
                    continue;
                }

                var expected = Hashing.Digest(cd.HashType, blob.Bytes.Span).AsSpan(0, cd.HashSize);
                if (!expected.SequenceEqual(stored))
                {
                    problems.Add(new MachOProblem(
                        MachOProblemCodes.SpecialSlotMismatch,
                        $"special slot -{slot} of CD 0x{cd.SlotType:X} does not match the hash of blob 0x{type:X}",
                        slotOffset));
                }
            }
            else if (stored is not null && stored.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
            {
                problems.Add(new MachOProblem(
                    MachOProblemCodes.SpecialSlotOrphan,
                    $"special slot -{slot} of CD 0x{cd.SlotType:X} holds a hash but blob 0x{type:X} is absent",
                    slotOffset));
            }
        }
    }

    private static void CheckCodeLimit(CodeDirectoryInfo cd, ByteWindow cdBytes, CodePages pages, List<MachOProblem> problems)
    {
        if (cd.CodeLimit > (ulong)pages.SliceSize)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.CodeLimit,
                $"code limit {cd.CodeLimit} runs past the {pages.SliceSize}-byte slice",
                cdBytes.BaseOffset + 32));
        }
        else if (cd.CodeLimit > pages.SignatureOffset)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.CodeLimit,
                $"code limit {cd.CodeLimit} runs into the signature at {pages.SignatureOffset}",
                cdBytes.BaseOffset + 32));
        }
    }

    /// <summary>Code slot i hashes page i of the slice up to the limit; the last page may be short (DOMAIN §5.5).</summary>
    private static PageHashCheck VerifyCodePages(CodeDirectoryInfo cd, ByteWindow cdBytes, CodePages pages, List<MachOProblem> problems)
    {
        CheckCodeLimit(cd, cdBytes, pages, problems);
        var pageSize = cd.PageSizeLog2 == 0 ? cd.CodeLimit : 1UL << cd.PageSizeLog2;
        var buffer = new byte[(int)Math.Min(pageSize == 0 ? 1 : pageSize, 64 * 1024)];
        using var hash = IncrementalHash.CreateHash(Hashing.AlgorithmOf(cd.HashType));
        long checkedPages = 0, mismatched = 0, unavailable = 0;
        long firstMismatch = -1;
        for (var i = 0u; i < cd.CodeSlotCount; i++)
        {
            if ((i & 0xFF) == 0)
            {
                pages.Token.ThrowIfCancellationRequested();
            }

            var start = cd.PageSizeLog2 == 0 ? (i == 0 ? 0 : ulong.MaxValue) : (ulong)i << cd.PageSizeLog2;
            if (start >= cd.CodeLimit || start == ulong.MaxValue)
            {
                unavailable++;
                continue;
            }

            var end = Math.Min(cd.CodeLimit, cd.PageSizeLog2 == 0 ? cd.CodeLimit : start + pageSize);
            if (end > (ulong)pages.SliceSize)
            {
                unavailable++;
                continue;
            }

            for (var position = start; position < end;)
            {
                var chunk = (int)Math.Min((ulong)buffer.Length, end - position);
                pages.Source.ReadExactly(pages.SliceOffset + (long)position, buffer.AsSpan(0, chunk));
                hash.AppendData(buffer, 0, chunk);
                position += (ulong)chunk;
            }

            var digest = hash.GetHashAndReset();
            var stored = cdBytes.Span.Slice((int)(cd.HashOffset + (ulong)i * cd.HashSize), cd.HashSize);
            checkedPages++;
            if (!digest.AsSpan(0, cd.HashSize).SequenceEqual(stored))
            {
                mismatched++;
                if (firstMismatch < 0)
                {
                    firstMismatch = i;
                }
            }
        }

        if (mismatched > 0)
        {
            problems.Add(new MachOProblem(
                MachOProblemCodes.PageHashMismatch,
                $"{mismatched} of {checkedPages} code pages do not match CD 0x{cd.SlotType:X}; the first is page {firstMismatch}",
                pages.SliceOffset + (firstMismatch << (cd.PageSizeLog2 == 0 ? 0 : cd.PageSizeLog2))));
        }

        return new PageHashCheck(checkedPages, mismatched, unavailable);
    }

    private static void CheckAlternatesAgree(List<CodeDirectoryInfo> codeDirectories, List<MachOProblem> problems)
    {
        var primary = codeDirectories[0];
        foreach (var alternate in codeDirectories.Skip(1))
        {
            if (alternate.Identifier != primary.Identifier || alternate.TeamId != primary.TeamId)
            {
                problems.Add(new MachOProblem(
                    MachOProblemCodes.CodeDirectoriesDisagree,
                    $"CD 0x{alternate.SlotType:X} names '{alternate.Identifier}'/'{alternate.TeamId}', the primary '{primary.Identifier}'/'{primary.TeamId}'",
                    alternate.Offset));
            }
        }
    }

    /// <summary>The Requirements index (DOMAIN §5.7): <c>{ magic, length, count, count × { type, offset } }</c>, each
    /// pointing at a <c>0xFADE0C00</c> Requirement inside the blob. Expressions are left to the rules.</summary>
    private static void CheckRequirements(ByteWindow blob, List<MachOProblem> problems)
    {
        void Add(string message, ulong position) =>
            problems.Add(new MachOProblem(MachOProblemCodes.RequirementsMalformed, message, blob.BaseOffset + (long)position));

        if (blob.Length < SuperBlobHeaderSize)
        {
            Add("the Requirements blob is shorter than its 12-byte header", 0);
            return;
        }

        var count = blob.U32BE(8, "requirements count");
        if (count > (uint)(blob.Length - SuperBlobHeaderSize) / BlobIndexSize)
        {
            Add($"requirements count {count} does not fit the blob", 8);
            return;
        }

        for (var i = 0u; i < count; i++)
        {
            var entry = SuperBlobHeaderSize + (ulong)i * BlobIndexSize;
            var offset = blob.U32BE(entry + 4, "requirement offset");
            if (!blob.Contains(offset, 12))
            {
                Add($"requirement {i} offset {offset} is outside the blob", entry + 4);
                return;
            }

            var magic = blob.U32BE(offset, "requirement magic");
            var length = blob.U32BE(offset + 4ul, "requirement length");
            if (magic != CsMagicRequirement || length < 12 || !blob.Contains(offset, length))
            {
                Add($"requirement {i} is not a 0xFADE0C00 blob inside the Requirements blob", offset);
                return;
            }
        }
    }
}

/// <summary>The digests a CodeDirectory may use (DOMAIN §5.5).</summary>
internal static class Hashing
{
    public static int SizeOf(CodeDirectoryHashType type) => type switch
    {
        CodeDirectoryHashType.Sha1 => 20,
        CodeDirectoryHashType.Sha256 => 32,
        CodeDirectoryHashType.Sha256Truncated => 20,
        CodeDirectoryHashType.Sha384 => 48,
        CodeDirectoryHashType.Sha512 => 64,
        _ => 0,
    };

    public static HashAlgorithmName AlgorithmOf(CodeDirectoryHashType type) => type switch
    {
        CodeDirectoryHashType.Sha1 => HashAlgorithmName.SHA1,
        CodeDirectoryHashType.Sha256 or CodeDirectoryHashType.Sha256Truncated => HashAlgorithmName.SHA256,
        CodeDirectoryHashType.Sha384 => HashAlgorithmName.SHA384,
        CodeDirectoryHashType.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The full digest; callers truncate to hashSize or to the 20-byte cdhash.</summary>
    public static byte[] Digest(CodeDirectoryHashType type, ReadOnlySpan<byte> data) => type switch
    {
        CodeDirectoryHashType.Sha1 => SHA1.HashData(data),
        CodeDirectoryHashType.Sha256 or CodeDirectoryHashType.Sha256Truncated => SHA256.HashData(data),
        CodeDirectoryHashType.Sha384 => SHA384.HashData(data),
        CodeDirectoryHashType.Sha512 => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
