using System.Buffers.Binary;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Provisioning;

public sealed class CodeSignatureVerifierTests
{
    private static readonly TestPki Pki = TestPki.Shared;
    private static readonly DateTimeOffset SignedAt = new(2021, 5, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] CodeDirectory = TestCodeDirectory.Build();
    private static readonly byte[] AlternateCodeDirectory = TestCodeDirectory.Build(hashType: TestCodeDirectory.Sha1);
    private static readonly byte[] CdHash = TestCodeDirectory.CdHash(CodeDirectory);
    private static readonly byte[] AlternateCdHash = TestCodeDirectory.CdHash(AlternateCodeDirectory);

    [Fact]
    public void The_test_CodeDirectory_is_DOMAIN_test_vector_T13()
    {
        Assert.Equal(371, CodeDirectory.Length);
        Assert.Equal("fade0c0200000173000204000000000000000153000000580000000700000001000010002002000c", Convert.ToHexStringLower(CodeDirectory.AsSpan(0, 40)));
        Assert.Equal("0732672ea4b7b8cbeb5524f3728c9a56e5e7d209", Convert.ToHexStringLower(CdHash));
    }

    [Fact]
    public void A_detached_signature_over_the_CodeDirectory_verifies_and_chains_at_its_signing_time()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash, AlternateCdHash], SignedAt);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash, AlternateCdHash], Pki.TrustRoots);

        Assert.True(result.IsTrusted, string.Join(" | ", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(SignedAt, result.SigningTime);
        Assert.Equal(SigningCertificate.From(Pki.Distribution), result.Signer);
        Assert.Equal(TestPki.TeamId, result.Signer!.TeamId);
        Assert.Equal(3, result.Chain.Count);
    }

    [Fact]
    public void The_signature_inside_its_0xFADE0B01_blob_verifies_the_same()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt);

        var result = CodeSignatureVerifier.Verify(Wrap(cms), CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsTrusted, string.Join(" | ", result.Problems));
    }

    [Fact]
    public void A_signature_over_other_CodeDirectory_bytes_is_invalid()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt);
        var edited = (byte[])CodeDirectory.Clone();
        edited[^1] ^= 0x01;

        var result = CodeSignatureVerifier.Verify(cms, edited, [TestCodeDirectory.CdHash(edited)], Pki.TrustRoots);

        Assert.True(result.IsSigned);
        Assert.False(result.SignatureValid);
        Assert.True(result.ChainTrusted);
        Assert.Contains(result.Problems, problem => problem.StartsWith("The CMS signature does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alternate_CodeDirectory_missing_from_the_cdhashes_attribute_is_a_problem()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash, AlternateCdHash], Pki.TrustRoots);

        Assert.True(result.SignatureValid);
        Assert.True(result.ChainTrusted);
        Assert.Equal(
            [$"CodeDirectory {Convert.ToHexStringLower(AlternateCdHash)} is not in the signed cdhashes attribute: nothing signs it."],
            result.Problems);
    }

    [Fact]
    public void A_signature_without_the_cdhashes_attribute_is_a_problem_not_an_exception()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, cdHashes: null, SignedAt);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash, AlternateCdHash], Pki.TrustRoots);

        Assert.True(result.SignatureValid);
        Assert.Equal(
            ["The CMS has no cdhashes attribute (1.2.840.113635.100.9.1): 1 alternate CodeDirectories are signed by nobody."],
            result.Problems);
    }

    [Fact]
    public void A_cdhashes_attribute_that_is_not_a_plist_is_a_problem()
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString("not a plist"u8);
        var attribute = new System.Security.Cryptography.AsnEncodedData(TestPki.CdHashesAttributeOid, writer.Encode());
        var cms = Pki.SignContent(CodeDirectory, SignedAt, Pki.Distribution, detached: true, [attribute]);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.SignatureValid);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("The cdhashes attribute is not a plist with a cdhashes array", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_blob_is_ad_hoc_signing()
    {
        var result = CodeSignatureVerifier.Verify([], CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.False(result.IsSigned);
        Assert.False(result.SignatureValid);
        Assert.False(result.ChainTrusted);
        Assert.Equal(["The code signature has no CMS blob: the code is ad hoc signed."], result.Problems);
    }

    [Fact]
    public void An_empty_0xFADE0B01_wrapper_is_ad_hoc_signing()
    {
        var result = CodeSignatureVerifier.Verify(Wrap([]), CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.False(result.IsSigned);
    }

    [Fact]
    public void A_wrapper_whose_length_overruns_the_blob_is_a_problem_not_an_exception()
    {
        var blob = Wrap(Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt));
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(4), (uint)blob.Length + 1);

        var result = CodeSignatureVerifier.Verify(blob, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsSigned);
        Assert.False(result.SignatureValid);
        Assert.Equal([$"The CMS wrapper blob claims {blob.Length + 1} bytes where {blob.Length} are present."], result.Problems);
    }

    [Theory]
    [InlineData(new byte[] { 0x30 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x00, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Bytes_that_are_not_a_CMS_are_a_problem_not_an_exception(byte[] blob)
    {
        var result = CodeSignatureVerifier.Verify(blob, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsSigned);
        Assert.False(result.SignatureValid);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("The CMS blob is not a DER SignedData", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_over_the_size_cap_is_refused_before_decoding()
    {
        var blob = new byte[CodeSignatureVerifier.MaxCmsBytes + 1];
        blob[0] = 0x30;

        var result = CodeSignatureVerifier.Verify(blob, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsSigned);
        Assert.False(result.SignatureValid);
        Assert.Equal([$"The CMS blob of {blob.Length} bytes exceeds the limit of {CodeSignatureVerifier.MaxCmsBytes}."], result.Problems);
    }

    [Fact]
    public void A_signature_under_a_root_that_is_not_configured_does_not_chain()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], TrustRoots.Apple);

        Assert.True(result.SignatureValid);
        Assert.False(result.ChainTrusted);
        Assert.NotEmpty(result.Problems);
    }

    [Fact]
    public void A_signer_that_expired_after_signing_still_chains_at_the_signing_time()
    {
        using var expired = Pki.IssueLeaf(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var signedAt = new DateTimeOffset(2019, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], signedAt, expired);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsTrusted, string.Join(" | ", result.Problems));
    }

    [Theory]
    [InlineData(2019, true)]
    [InlineData(2030, false)]
    public void Without_a_signingTime_the_chain_is_judged_at_the_scan_time(int scanYear, bool trusted)
    {
        using var leaf = Pki.IssueLeaf(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], signingTime: null, leaf);
        var scanTime = new FixedTime(new DateTimeOffset(scanYear, 7, 1, 0, 0, 0, TimeSpan.Zero));

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots, scanTime);

        Assert.Equal(trusted, result.ChainTrusted);
        Assert.Null(result.SigningTime);
        Assert.Contains($"The CMS has no signingTime attribute: the chain is judged at the time of the scan ({scanYear}-07-01T00:00:00Z).", result.Problems);
    }

    [Fact]
    public void A_signer_whose_key_usage_excludes_code_signing_is_not_trusted_for_code()
    {
        using var serverLeaf = Pki.IssueLeaf(TestPki.ValidFrom, TestPki.ValidUntil, extendedKeyUsage: ["1.3.6.1.5.5.7.3.1"]);
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt, serverLeaf);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.SignatureValid);
        Assert.False(result.ChainTrusted);
        Assert.Contains("The signer's certificate has an extended key usage without code signing.", result.Problems);
    }

    [Fact]
    public void A_signature_that_embeds_the_CodeDirectory_instead_of_signing_it_detached_is_a_problem()
    {
        var cms = Pki.SignContent(CodeDirectory, SignedAt, Pki.Distribution, detached: false, [TestPki.CdHashesAttribute([CdHash])]);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.IsTrusted, string.Join(" | ", result.Problems));
        Assert.Equal(["The CMS embeds its content instead of signing the CodeDirectory detached, as Apple's signatures do."], result.Problems);
    }

    [Fact]
    public void A_signature_that_embeds_other_content_does_not_sign_the_CodeDirectory()
    {
        var cms = Pki.SignContent("something else"u8.ToArray(), SignedAt, Pki.Distribution, detached: false, [TestPki.CdHashesAttribute([CdHash])]);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.False(result.SignatureValid);
        Assert.True(result.ChainTrusted);
        Assert.Contains("The embedded content is not the CodeDirectory, so the signature does not cover it.", result.Problems);
    }

    [Fact]
    public void A_signer_with_an_unknown_critical_extension_that_is_not_Apples_does_not_chain()
    {
        using var odd = Pki.IssueLeaf(TestPki.ValidFrom, TestPki.ValidUntil, appleExtensionOid: "1.3.6.1.4.1.55555.1");
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt, odd);

        var result = CodeSignatureVerifier.Verify(cms, CodeDirectory, [CdHash], Pki.TrustRoots);

        Assert.True(result.SignatureValid);
        Assert.False(result.ChainTrusted);
        Assert.Contains(result.Problems, problem => problem.Contains("HasNotSupportedCriticalExtension", StringComparison.Ordinal));
    }

    [Fact]
    public void Three_hundred_random_corruptions_of_a_signature_blob_give_problems_never_exceptions()
    {
        var cms = Pki.SignCodeDirectory(CodeDirectory, [CdHash], SignedAt);
        var random = new Random(1_415_865_600);
        var trusted = 0;

        for (var i = 0; i < 300; i++)
        {
            var corrupt = (byte[])cms.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            var result = CodeSignatureVerifier.Verify(corrupt.AsSpan(0, random.Next(1, corrupt.Length + 1)), CodeDirectory, [CdHash], Pki.TrustRoots);
            trusted += result.IsTrusted ? 1 : 0;
            Assert.True(result.IsTrusted || result.Problems.Count > 0);
        }

        Assert.True(trusted < 300);
    }

    private static byte[] Wrap(byte[] cms)
    {
        var blob = new byte[8 + cms.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, 0xFADE0B01);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(4), (uint)blob.Length);
        cms.CopyTo(blob, 8);
        return blob;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
