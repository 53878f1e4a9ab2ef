using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

public sealed class SuperBlobTests
{
    /// <summary>T14: a SuperBlob holding only T13's CodeDirectory at offset 20, 391 bytes in all.</summary>
    internal static readonly byte[] T14SuperBlob =
        [.. Convert.FromHexString("fade0cc00000018700000001" + "0000000000000014"), .. CodeDirectoryTests.T13CodeDirectory()];

    private static BuiltSignature Build(SignatureSpec? spec = null) =>
        SignatureBuilder.Build(spec ?? new SignatureSpec(), new byte[0x3000], 0x3000);

    private static PackageFormatException Refused(byte[] superBlob) =>
        Assert.Throws<PackageFormatException>(() => CodeSignatureReader.Read(superBlob));

    private static MachOProblem SingleProblem(CodeSignatureInfo signature) => Assert.Single(signature.Problems);

    [Fact]
    public void T14_superblob_with_only_the_code_directory_decodes()
    {
        Assert.Equal(391, T14SuperBlob.Length);

        var signature = CodeSignatureReader.Read(T14SuperBlob);

        Assert.Equal(391u, signature.Length);
        Assert.Equal([new SuperBlobEntry(0, 20, 0xFADE0C02, 371)], signature.Entries);
        Assert.Equal(20, signature.PrimaryCodeDirectory.Offset);
        Assert.Null(signature.RequirementsBlob);
        Assert.Null(signature.EntitlementsXml);
        Assert.Null(signature.CmsSignature);
        Assert.True(signature.IsAdHoc);
        // T13 has no CS_ADHOC flag although nothing signs it: the consistency check says so.
        Assert.Equal(MachOProblemCodes.AdHocFlagMismatch, SingleProblem(signature).Code);
    }

    [Fact]
    public void Empty_requirements_blob_is_bound_by_the_T14_hash_in_special_slot_2()
    {
        var signature = CodeSignatureReader.Read(Build().Bytes);

        Assert.Equal(SignatureSpec.EmptyRequirements, signature.RequirementsBlob);
        Assert.Equal(
            "987920904eab650e75788c054aa0b0524e6a80bfc71aa32df8d237a61743f986",
            Convert.ToHexStringLower(signature.PrimaryCodeDirectory.GetSpecialSlotHash(2)!));
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void Complete_signature_exposes_entitlements_cms_and_alternate_code_directory()
    {
        var spec = new SignatureSpec { HashType = CodeDirectoryHashType.Sha1, AlternateHashType = CodeDirectoryHashType.Sha256 };

        var signature = CodeSignatureReader.Read(Build(spec).Bytes);

        Assert.Equal([0u, 2u, 5u, 7u, 0x1000u, 0x10000u], signature.Entries.Select(e => e.Type));
        Assert.Equal([0u, 0x1000u], signature.CodeDirectories.Select(cd => cd.SlotType));
        Assert.Equal(CodeDirectoryHashType.Sha256, signature.StrongestCodeDirectory.HashType);
        Assert.Equal(SignatureSpec.DefaultEntitlementsXml, signature.EntitlementsXml);
        Assert.Equal(SignatureSpec.DerKeyTrue, signature.EntitlementsDer);
        Assert.Equal(spec.Cms, signature.CmsSignature);
        Assert.Equal(7u, signature.PrimaryCodeDirectory.SpecialSlotCount);
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void Ad_hoc_signature_has_no_cms_and_sets_CS_ADHOC()
    {
        var signature = CodeSignatureReader.Read(Build(new SignatureSpec { Cms = null }).Bytes);

        Assert.True(signature.IsAdHoc);
        Assert.Null(signature.CmsSignature);
        Assert.True(signature.PrimaryCodeDirectory.Flags.HasFlag(CodeDirectoryFlags.AdHoc));
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void CS_ADHOC_with_a_cms_signature_is_a_problem()
    {
        var built = Build(new SignatureSpec { Flags = 2 });

        Assert.Equal(MachOProblemCodes.AdHocFlagMismatch, SingleProblem(CodeSignatureReader.Read(built.Bytes)).Code);
    }

    [Fact]
    public void Wrong_superblob_magic_is_refused()
    {
        Assert.Equal(0, Refused(Patch.U32BE(Build().Bytes, 0, 0xFADE0C02)).Offset);
    }

    [Fact]
    public void Detached_signature_magic_is_refused_by_name()
    {
        Assert.Contains("detached", Refused(Patch.U32BE(Build().Bytes, 0, 0xFADE0CC1)).Message);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(11u)]
    [InlineData(0xFFFFFFFFu)]
    public void Superblob_length_outside_12_and_the_data_size_is_refused(uint length)
    {
        Assert.Equal(4, Refused(Patch.U32BE(Build().Bytes, 4, length)).Offset);
    }

    [Theory]
    [InlineData(0x20000000u)]
    [InlineData(0xFFFFFFFFu)]
    public void Superblob_count_that_cannot_fit_is_refused(uint count)
    {
        Assert.Equal(8, Refused(Patch.U32BE(Build().Bytes, 8, count)).Offset);
    }

    [Fact]
    public void Superblob_count_above_256_is_refused_even_when_the_length_allows_it()
    {
        var bytes = Build(new SignatureSpec { EntitlementsXml = new string('x', 4000) }).Bytes;
        Assert.True(Patch.ReadU32BE(bytes, 4) > 12 + 257 * 8);

        var error = Refused(Patch.U32BE(bytes, 8, 257));

        Assert.Equal(8, error.Offset);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void Superblob_with_no_entries_is_refused_for_lacking_a_code_directory()
    {
        Assert.Contains("no CodeDirectory", Refused(Patch.U32BE(Build().Bytes, 8, 0)).Message);
    }

    [Fact]
    public void Blob_offset_inside_the_index_is_refused()
    {
        Assert.Equal(12 + 4, Refused(Patch.U32BE(Build().Bytes, 12 + 4, 16)).Offset);
    }

    [Fact]
    public void Blob_offset_past_the_superblob_is_refused()
    {
        var bytes = Build().Bytes;

        Assert.Equal(12 + 8 + 4, Refused(Patch.U32BE(bytes, 12 + 8 + 4, (uint)bytes.Length - 4)).Offset);
        Assert.Equal(12 + 8 + 4, Refused(Patch.U32BE(bytes, 12 + 8 + 4, 0xFFFFFFFC)).Offset);
    }

    [Fact]
    public void Blob_length_running_past_the_superblob_is_refused()
    {
        var built = Build();
        var requirements = built.BlobOffsets[2];

        Assert.Equal(requirements + 4, Refused(Patch.U32BE(built.Bytes, requirements + 4, 0x7FFFFFFF)).Offset);
        Assert.Equal(requirements + 4, Refused(Patch.U32BE(built.Bytes, requirements + 4, 4)).Offset);
    }

    [Fact]
    public void Overlapping_blobs_are_refused()
    {
        // A well-formed Requirements header planted in the last 8 bytes of the CodeDirectory, and the index pointed at it.
        var built = Build();
        var cdEnd = built.BlobOffsets[2];
        var bytes = Patch.U32BE(Patch.U32BE(built.Bytes, cdEnd - 8, 0xFADE0C01), cdEnd - 4, 8);

        var error = Refused(Patch.U32BE(bytes, 12 + 8 + 4, (uint)cdEnd - 8));

        Assert.Contains("overlaps", error.Message);
        Assert.Equal(cdEnd - 8, error.Offset);
    }

    [Fact]
    public void Index_type_repeated_is_refused()
    {
        var bytes = Build().Bytes;

        Assert.Equal(12 + 16, Refused(Patch.U32BE(bytes, 12 + 16, 2)).Offset);
    }

    [Fact]
    public void Entitlements_slot_holding_another_magic_is_refused()
    {
        var built = Build();

        Assert.Equal(built.BlobOffsets[5], Refused(Patch.U32BE(built.Bytes, built.BlobOffsets[5], 0xFADE7172)).Offset);
    }

    [Fact]
    public void Code_directory_only_at_an_alternate_slot_is_refused()
    {
        Assert.Contains("slot 0", Refused(Patch.U32BE(Build().Bytes, 12, 0x1003)).Message);
    }

    [Fact]
    public void Changed_requirements_no_longer_match_special_slot_2()
    {
        var built = Build(new SignatureSpec { Requirements = SignatureBuilder.Blob(0xFADE0C01, new byte[8]) });
        var tampered = Patch.U8(built.Bytes, built.BlobOffsets[2] + 15, 1);

        var problem = SingleProblem(CodeSignatureReader.Read(tampered));

        Assert.Equal(MachOProblemCodes.SpecialSlotMismatch, problem.Code);
        Assert.Contains("-2", problem.Message);
    }

    [Fact]
    public void Changed_xml_entitlements_no_longer_match_special_slot_5()
    {
        var built = Build();
        var tampered = Patch.U8(built.Bytes, built.BlobOffsets[5] + 60, (byte)'X');

        var problem = SingleProblem(CodeSignatureReader.Read(tampered));

        Assert.Equal(MachOProblemCodes.SpecialSlotMismatch, problem.Code);
        Assert.Contains("-5", problem.Message);
    }

    [Fact]
    public void Entitlements_the_code_directory_has_no_slot_for_are_unbound()
    {
        var signature = CodeSignatureReader.Read(Build(new SignatureSpec { SpecialSlotCount = 5 }).Bytes);

        var problem = SingleProblem(signature);
        Assert.Equal(MachOProblemCodes.SpecialSlotUnbound, problem.Code);
        Assert.Contains("0x7", problem.Message);
    }

    [Fact]
    public void Special_slot_hash_without_its_blob_is_an_orphan()
    {
        var built = Build();
        var bytes = Patch.U32BE(built.Bytes, 12 + 8 * 3, 0x20);

        var signature = CodeSignatureReader.Read(bytes);

        var problem = Assert.Single(signature.Problems, p => p.Code == MachOProblemCodes.SpecialSlotOrphan);
        Assert.Contains("-7", problem.Message);
        Assert.Contains(signature.Problems, p => p.Code == MachOProblemCodes.EntitlementsFormMissing);
    }

    [Fact]
    public void Xml_entitlements_without_the_der_form_are_flagged()
    {
        var signature = CodeSignatureReader.Read(Build(new SignatureSpec { EntitlementsDer = null }).Bytes);

        Assert.Equal(MachOProblemCodes.EntitlementsFormMissing, SingleProblem(signature).Code);
    }

    [Fact]
    public void Malformed_der_entitlements_are_a_problem_not_a_failure()
    {
        var built = Build(new SignatureSpec { EntitlementsDer = Convert.FromHexString("700f020101b00a30080c036b65790101aa") });

        var signature = CodeSignatureReader.Read(built.Bytes);

        var problem = SingleProblem(signature);
        Assert.Equal(MachOProblemCodes.DerEntitlementsMalformed, problem.Code);
        Assert.Equal(built.BlobOffsets[7] + 8 + 16, problem.Offset);
        Assert.Null(signature.DerEntitlements);
        Assert.NotNull(signature.EntitlementsDer);
    }

    [Fact]
    public void Xml_entitlements_that_are_not_utf8_are_refused()
    {
        var built = Build();

        Assert.Equal(built.BlobOffsets[5] + 8, Refused(Patch.U8(built.Bytes, built.BlobOffsets[5] + 30, 0xFF)).Offset);
    }

    [Fact]
    public void Requirements_blob_with_a_bad_index_is_a_problem()
    {
        var requirements = new ByteWriter().U32BE(0xFADE0C01).U32BE(20).U32BE(1).U32BE(3).U32BE(0x100).ToArray();

        var problem = SingleProblem(CodeSignatureReader.Read(Build(new SignatureSpec { Requirements = requirements }).Bytes));

        Assert.Equal(MachOProblemCodes.RequirementsMalformed, problem.Code);
    }

    [Fact]
    public void Requirements_blob_with_a_designated_requirement_is_accepted()
    {
        var requirement = new ByteWriter().U32BE(0xFADE0C00).U32BE(16).U32BE(1).U32BE(1).ToArray();
        var requirements = new ByteWriter().U32BE(0xFADE0C01).U32BE(20 + 16).U32BE(1).U32BE(3).U32BE(20).Bytes(requirement).ToArray();

        Assert.Empty(CodeSignatureReader.Read(Build(new SignatureSpec { Requirements = requirements }).Bytes).Problems);
    }

    [Fact]
    public void Non_zero_bytes_after_the_superblob_are_flagged()
    {
        var built = Build(new SignatureSpec { TrailingBytes = [0, 0, 0x41, 0] });

        var problem = SingleProblem(CodeSignatureReader.Read(built.Bytes));

        Assert.Equal(MachOProblemCodes.SignatureTrailingData, problem.Code);
        Assert.Equal(built.Bytes.Length - 2, problem.Offset);
    }

    [Fact]
    public void Changed_code_byte_is_caught_by_the_page_hashes()
    {
        var built = new MachOBuilder { Signature = new SignatureSpec { HashType = CodeDirectoryHashType.Sha1, AlternateHashType = CodeDirectoryHashType.Sha256 } }.Build();
        var tampered = Patch.U8(built.Bytes, 0x1800, (byte)(built.Bytes[0x1800] ^ 0xFF));

        var signature = MachOReader.Read(tampered).Slices[0].CodeSignature!;

        Assert.All(signature.CodeDirectories, cd => Assert.Equal(new PageHashCheck(built.SignatureOffset / 0x1000 + 1, 1, 0), cd.PageHashes));
        Assert.Equal(2, signature.Problems.Count(p => p.Code == MachOProblemCodes.PageHashMismatch && p.Offset == 0x1000));
    }

    [Fact]
    public void Page_hashes_are_not_checked_when_verification_is_off()
    {
        var built = new MachOBuilder().Build();
        var tampered = Patch.U8(built.Bytes, 0x1800, (byte)(built.Bytes[0x1800] ^ 0xFF));

        var signature = MachOReader.Read(tampered, new MachOReaderOptions { VerifyCodePageHashes = false }).Slices[0].CodeSignature!;

        Assert.Null(signature.PrimaryCodeDirectory.PageHashes);
        Assert.Empty(signature.Problems);
    }

    [Fact]
    public void Code_limit_beyond_the_signature_start_is_flagged()
    {
        var built = new MachOBuilder().Build();
        var cd = built.BlobOffsets[0];
        var bytes = Patch.U32BE(built.Bytes, cd + 32, (uint)built.Bytes.Length + 0x1000);

        var signature = MachOReader.Read(bytes).Slices[0].CodeSignature!;

        Assert.Contains(signature.Problems, p => p.Code == MachOProblemCodes.CodeLimit && p.Offset == cd + 32);
        Assert.True(signature.PrimaryCodeDirectory.PageHashes!.PagesUnavailable > 0);
    }
}
