using System.Security.Cryptography;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

public sealed class CodeDirectoryTests
{
    /// <summary>T13's 88-byte header: version 0x20400, SHA-256, 4 KiB pages, 7 special slots, one code slot.</summary>
    internal static readonly byte[] T13Header = Convert.FromHexString(
        "fade0c02000001730002040000000000" +
        "00000153000000580000000700000001" +
        "000010002002000c0000000000000000" +
        "00000068000000000000000000000000" +
        "00000000000000000000000000001000" +
        "0000000000000001");

    private const string ZeroPageSha256 = "ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7";

    /// <summary>T13's whole 371-byte CodeDirectory.</summary>
    internal static byte[] T13CodeDirectory() => new ByteWriter()
        .Bytes(T13Header)
        .CString("com.example.app")
        .CString("ABCDE12345")
        .Zeros(7 * 32)
        .Bytes(Convert.FromHexString(ZeroPageSha256))
        .ToArray();

    /// <summary>A SuperBlob around one CodeDirectory (and an empty CMS wrapper so that ad hoc flags stay consistent).</summary>
    private static byte[] WrapCodeDirectories(params byte[][] codeDirectories)
    {
        var blobs = codeDirectories.Select((cd, i) => (i == 0 ? 0u : 0x1000u + (uint)i - 1, cd)).ToList();
        return SignatureBuilder.SuperBlob(blobs, out _);
    }

    private static CodeDirectoryInfo ReadSingle(byte[] codeDirectory, out CodeSignatureInfo signature)
    {
        signature = CodeSignatureReader.Read(WrapCodeDirectories(codeDirectory));
        return Assert.Single(signature.CodeDirectories);
    }

    private static byte[] BuildCd(
        uint version = 0x20400,
        CodeDirectoryHashType hashType = CodeDirectoryHashType.Sha256,
        string? identifier = "com.example.app",
        string? team = "ABCDE12345",
        int codeLength = 0x2800,
        byte pageSize = 12,
        uint flags = 2) =>
        SignatureBuilder.CodeDirectory(version, flags, hashType, pageSize, identifier, team, [], new byte[codeLength], 0, 0, 1);

    private static PackageFormatException Refused(byte[] codeDirectory) =>
        Assert.Throws<PackageFormatException>(() => CodeSignatureReader.Read(WrapCodeDirectories(codeDirectory)));

    /// <summary>The CD starts at offset 20 of a one-entry SuperBlob.</summary>
    private const int CdAt = 20;

    [Fact]
    public void T13_header_decodes_every_field()
    {
        var cd = ReadSingle(T13CodeDirectory(), out var signature);

        Assert.Equal(371u, cd.Length);
        Assert.Equal(0x20400u, cd.Version);
        Assert.Equal(CodeDirectoryFlags.None, cd.Flags);
        Assert.Equal(339u, cd.HashOffset);
        Assert.Equal("com.example.app", cd.Identifier);
        Assert.Equal("ABCDE12345", cd.TeamId);
        Assert.Equal(7u, cd.SpecialSlotCount);
        Assert.Equal(1u, cd.CodeSlotCount);
        Assert.Equal(0x1000UL, cd.CodeLimit);
        Assert.Equal(32, cd.HashSize);
        Assert.Equal(CodeDirectoryHashType.Sha256, cd.HashType);
        Assert.Equal(0, cd.Platform);
        Assert.Equal(12, cd.PageSizeLog2);
        Assert.Equal(0UL, cd.ExecSegmentBase);
        Assert.Equal(0x1000UL, cd.ExecSegmentLimit);
        Assert.Equal(ExecSegmentFlags.MainBinary, cd.ExecSegmentFlags);
        Assert.Null(cd.Runtime);
        Assert.Equal(Enumerable.Range(1, 7), cd.SpecialSlotHashes.Keys.Order());
        Assert.All(cd.SpecialSlotHashes.Values, hash => Assert.Equal(new byte[32], hash));
        Assert.Null(cd.PageHashes);
        Assert.DoesNotContain(signature.Problems, p => p.Code.StartsWith("CD-", StringComparison.Ordinal));
    }

    [Fact]
    public void T13_cdhash_is_sha256_of_the_371_byte_blob_truncated_to_20_bytes()
    {
        var cd = ReadSingle(T13CodeDirectory(), out _);

        Assert.Equal("0732672ea4b7b8cbeb5524f3728c9a56e5e7d209", cd.CdHashHex);
        Assert.Equal(T13CodeDirectory(), cd.Blob);
    }

    [Fact]
    public void T13_page_hash_is_the_sha256_of_a_4096_byte_zero_page()
    {
        Assert.Equal(ZeroPageSha256, Convert.ToHexStringLower(SHA256.HashData(new byte[4096])));
        var cd = ReadSingle(T13CodeDirectory(), out _);
        Assert.Equal(ZeroPageSha256, Convert.ToHexStringLower(cd.Blob.AsSpan((int)cd.HashOffset, 32)));
    }

    [Fact]
    public void Builder_reproduces_the_T13_code_directory_byte_for_byte()
    {
        var built = SignatureBuilder.CodeDirectory(
            0x20400, 0, CodeDirectoryHashType.Sha256, 12, "com.example.app", "ABCDE12345",
            Enumerable.Range(0, 7).Select(_ => new byte[32]).ToArray(), new byte[4096], 0, 0x1000, 1);

        Assert.Equal(T13CodeDirectory(), built);
    }

    [Fact]
    public void Sha1_cdhash_is_the_whole_sha1_digest()
    {
        var blob = BuildCd(hashType: CodeDirectoryHashType.Sha1);

        var cd = ReadSingle(blob, out _);

        Assert.Equal(SHA1.HashData(blob), cd.CdHash);
        Assert.Equal(20, cd.HashSize);
    }

    [Fact]
    public void Sha384_cdhash_is_truncated_to_20_bytes()
    {
        var blob = BuildCd(hashType: CodeDirectoryHashType.Sha384);

        Assert.Equal(SHA384.HashData(blob)[..20], ReadSingle(blob, out _).CdHash);
    }

    [Theory]
    [InlineData(0x20000u)]
    [InlineData(0x2F001u)]
    [InlineData(0u)]
    public void Version_outside_the_accepted_range_is_refused(uint version)
    {
        Assert.Equal(CdAt + 8, Refused(Patch.U32BE(BuildCd(), 8, version)).Offset);
    }

    [Fact]
    public void Version_whose_header_does_not_fit_the_blob_is_refused()
    {
        var blob = BuildCd(version: 0x20100, identifier: null, team: null, codeLength: 0);

        var error = Refused(Patch.U32BE(blob, 8, 0x20600));

        Assert.Equal(CdAt + 4, error.Offset);
    }

    [Fact]
    public void Team_id_is_not_read_before_version_0x20200()
    {
        var blob = BuildCd(version: 0x20100);

        var cd = ReadSingle(blob, out _);

        Assert.Null(cd.TeamId);
        Assert.Equal("com.example.app", cd.Identifier);
        Assert.Null(cd.ExecSegmentFlags);
    }

    [Fact]
    public void Team_id_is_null_when_its_offset_is_zero()
    {
        var cd = ReadSingle(BuildCd(team: null), out _);

        Assert.Null(cd.TeamId);
    }

    [Fact]
    public void Identifier_without_a_nul_inside_the_blob_is_refused()
    {
        var blob = Patch.U32BE(BuildCd(codeLength: 0, team: null), 20, 0);
        blob = Patch.U32BE(blob, 20, (uint)(blob.Length - 3));
        "xyz"u8.CopyTo(blob.AsSpan(blob.Length - 3));

        Assert.Equal(CdAt + blob.Length - 3, Refused(blob).Offset);
    }

    [Fact]
    public void Identifier_offset_past_the_blob_is_refused()
    {
        Assert.Equal(CdAt + 20, Refused(Patch.U32BE(BuildCd(), 20, 0x7FFFFFFF)).Offset);
    }

    [Fact]
    public void Team_offset_past_the_blob_is_refused()
    {
        Assert.Equal(CdAt + 48, Refused(Patch.U32BE(BuildCd(), 48, 0xFFFFFFFF)).Offset);
    }

    [Fact]
    public void Hash_size_that_does_not_match_the_hash_type_is_refused()
    {
        Assert.Equal(CdAt + 36, Refused(Patch.U8(BuildCd(), 36, 20)).Offset);
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)6)]
    [InlineData((byte)0xFF)]
    public void Unknown_hash_type_is_refused(byte hashType)
    {
        Assert.Equal(CdAt + 37, Refused(Patch.U8(BuildCd(), 37, hashType)).Offset);
    }

    [Fact]
    public void Sha512_code_directory_parses_but_is_flagged_as_refused_by_the_kernel()
    {
        ReadSingle(BuildCd(hashType: CodeDirectoryHashType.Sha512), out var signature);

        Assert.Contains(signature.Problems, p => p.Code == MachOProblemCodes.HashTypeRefusedByKernel);
    }

    [Theory]
    [InlineData((byte)11)]
    [InlineData((byte)16)]
    [InlineData((byte)64)]
    [InlineData((byte)255)]
    public void Page_size_ios_cannot_run_is_refused(byte pageSize)
    {
        Assert.Equal(CdAt + 39, Refused(Patch.U8(BuildCd(), 39, pageSize)).Offset);
    }

    [Fact]
    public void Single_page_code_directory_is_flagged()
    {
        ReadSingle(BuildCd(pageSize: 0), out var signature);

        var problem = Assert.Single(signature.Problems, p => p.Code.StartsWith("CD-", StringComparison.Ordinal));
        Assert.Equal(MachOProblemCodes.PageSize, problem.Code);
    }

    [Fact]
    public void Sixteen_kilobyte_pages_are_accepted()
    {
        var cd = ReadSingle(BuildCd(pageSize: 14, codeLength: 0x8001), out var signature);

        Assert.Equal(3u, cd.CodeSlotCount);
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void Special_slots_that_do_not_fit_before_hash_offset_are_refused()
    {
        Assert.Equal(CdAt + 24, Refused(Patch.U32BE(BuildCd(), 24, 0x08000000)).Offset);
    }

    [Fact]
    public void Code_slots_running_past_the_blob_are_refused()
    {
        Assert.Equal(CdAt + 28, Refused(Patch.U32BE(BuildCd(), 28, 0x7FFFFFFF)).Offset);
    }

    [Fact]
    public void Hash_offset_past_the_blob_is_refused()
    {
        Assert.Equal(CdAt + 16, Refused(Patch.U32BE(BuildCd(), 16, 0xFFFFFFF0)).Offset);
    }

    [Fact]
    public void Code_slot_count_that_disagrees_with_the_code_limit_is_a_problem()
    {
        ReadSingle(Patch.U32BE(BuildCd(codeLength: 0x2800), 32, 0x1000), out var signature);

        var problem = Assert.Single(signature.Problems);
        Assert.Equal(MachOProblemCodes.CodeSlotCount, problem.Code);
        Assert.Equal(CdAt + 28, problem.Offset);
    }

    [Fact]
    public void Code_limit_64_replaces_the_32_bit_limit_from_version_0x20300()
    {
        var blob = Patch.U64BE(Patch.U32BE(BuildCd(codeLength: 0x3000), 32, 0), 56, 0x3000);

        var cd = ReadSingle(blob, out var signature);

        Assert.Equal(0x3000UL, cd.CodeLimit);
        Assert.Equal(0u, cd.CodeLimit32);
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void Gap_between_the_strings_and_the_special_slots_is_a_layout_problem()
    {
        var blob = SignatureBuilder.CodeDirectory(0x20400, 2, CodeDirectoryHashType.Sha256, 12, "com.example.app", "ABCDE12345",
            [new byte[32]], new byte[0x1000], 0, 0, 1);
        blob = Patch.U32BE(blob, 24, 0);

        ReadSingle(blob, out var signature);

        Assert.Equal([MachOProblemCodes.Layout], signature.Problems.Select(p => p.Code));
    }

    [Fact]
    public void Declared_length_beyond_the_code_slots_is_a_problem()
    {
        var blob = BuildCd();
        blob = Patch.U32BE([.. blob, .. new byte[8]], 4, (uint)blob.Length + 8);

        ReadSingle(blob, out var signature);

        Assert.Contains(signature.Problems, p => p.Code == MachOProblemCodes.Length && p.Offset == CdAt + 4);
    }

    [Fact]
    public void Scatter_vector_without_a_terminating_entry_is_refused()
    {
        var blob = BuildCd(codeLength: 0);
        var end = blob.Length;
        blob = Patch.U32BE([.. blob, .. Enumerable.Repeat((byte)1, 24)], 4, (uint)end + 24);
        blob = Patch.U32BE(blob, 44, (uint)end);

        Assert.Equal(CdAt + 44, Refused(blob).Offset);
    }

    [Fact]
    public void Pre_encryption_hashes_past_the_blob_are_refused()
    {
        Assert.Equal(CdAt + 92, Refused(Patch.U32BE(BuildCd(version: 0x20500), 92, 0xFFFFFF00)).Offset);
    }

    [Fact]
    public void Linkage_data_past_the_blob_is_refused()
    {
        var blob = Patch.U8(BuildCd(version: 0x20600), 96, 2);
        blob = Patch.U32BE(Patch.U32BE(blob, 100, 0x100), 104, 0xFFFFFFFF);

        Assert.Equal(CdAt + 100, Refused(blob).Offset);
    }

    [Fact]
    public void Two_code_directories_with_one_hash_type_are_refused()
    {
        var error = Assert.Throws<PackageFormatException>(() => CodeSignatureReader.Read(WrapCodeDirectories(BuildCd(), BuildCd())));

        Assert.Contains("hash type", error.Message);
    }

    [Fact]
    public void Strongest_code_directory_is_the_sha256_alternate_of_a_sha1_primary()
    {
        var signature = CodeSignatureReader.Read(WrapCodeDirectories(
            BuildCd(hashType: CodeDirectoryHashType.Sha1),
            BuildCd(hashType: CodeDirectoryHashType.Sha256Truncated),
            BuildCd(hashType: CodeDirectoryHashType.Sha256)));

        Assert.Equal(CodeDirectoryHashType.Sha1, signature.PrimaryCodeDirectory.HashType);
        Assert.Equal(0x1001u, signature.StrongestCodeDirectory.SlotType);
        Assert.Equal(CodeDirectoryHashType.Sha256, signature.StrongestCodeDirectory.HashType);
    }

    [Fact]
    public void Alternate_code_directory_naming_another_identifier_is_a_problem()
    {
        var signature = CodeSignatureReader.Read(WrapCodeDirectories(
            BuildCd(hashType: CodeDirectoryHashType.Sha1),
            BuildCd(identifier: "com.evil.app")));

        var problem = Assert.Single(signature.Problems);
        Assert.Equal(MachOProblemCodes.CodeDirectoriesDisagree, problem.Code);
        Assert.Equal(signature.CodeDirectories[1].Offset, problem.Offset);
    }

    [Fact]
    public void Code_directory_without_identifier_is_flagged()
    {
        ReadSingle(BuildCd(identifier: null), out var signature);

        Assert.Contains(signature.Problems, p => p.Code == MachOProblemCodes.MissingIdentifier);
    }
}
