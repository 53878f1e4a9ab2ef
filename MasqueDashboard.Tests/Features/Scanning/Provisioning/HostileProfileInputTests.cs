using System.Formats.Asn1;
using System.Security.Cryptography.Pkcs;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Provisioning;

/// <summary>Bytes an attacker chose: each is a <see cref="PackageFormatException"/> or problems, never another exception.</summary>
public sealed class HostileProfileInputTests
{
    private static readonly TestPki Pki = TestPki.Shared;

    [Fact]
    public void An_empty_input_is_a_format_error_at_offset_zero()
    {
        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read([], Pki.TrustRoots));

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void An_input_over_the_size_cap_is_refused_before_decoding()
    {
        var signed = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);
        var options = new ProvisioningReaderOptions { MaxBytes = signed.Length - 1 };

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(signed, Pki.TrustRoots, options));

        Assert.Contains("exceeds the limit", error.Message, StringComparison.Ordinal);
        Assert.Equal(signed.Length - 1, error.Offset);
    }

    [Fact]
    public void The_default_size_cap_is_one_MiB()
    {
        var huge = new byte[(1024 * 1024) + 1];
        huge[0] = 0x30;

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(huge, Pki.TrustRoots));

        Assert.Equal(1024 * 1024, error.Offset);
    }

    [Fact]
    public void Truncated_DER_is_a_format_error()
    {
        var signed = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);

        foreach (var length in new[] { 1, 2, 10, signed.Length / 2, signed.Length - 1 })
        {
            Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(signed.AsSpan(0, length), Pki.TrustRoots));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_bytes_are_a_format_error(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        var asDer = (byte[])bytes.Clone();
        asDer[0] = 0x30;

        Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(bytes, Pki.TrustRoots));
        Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(asDer, Pki.TrustRoots));
    }

    [Fact]
    public void A_CMS_with_no_signer_reads_as_signed_but_unverified()
    {
        var content = PlistWriter.ToXml(Enterprise());

        var result = ProvisioningProfileReader.Read(UnsignedCms(content), Pki.TrustRoots);

        Assert.True(result.Signature.IsSigned);
        Assert.False(result.Signature.SignatureValid);
        Assert.False(result.Signature.ChainTrusted);
        Assert.Equal(["The CMS SignedData holds no signer."], result.Signature.Problems);
        Assert.Equal(DistributionType.Enterprise, result.Profile.Distribution);
    }

    [Fact]
    public void A_CMS_whose_content_is_not_a_plist_is_a_format_error_pointing_into_the_file()
    {
        var content = "not a property list at all"u8.ToArray();
        var signed = Pki.SignContent(content, TestProfiles.CreationDate, Pki.ProfileSigner);
        var contentAt = signed.AsSpan().IndexOf(content);

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(signed, Pki.TrustRoots));

        Assert.Contains("is not a property list", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Offset, contentAt, contentAt + content.Length);
    }

    [Fact]
    public void A_CMS_whose_plist_is_not_a_dictionary_is_a_format_error()
    {
        var signed = Pki.SignContent(PlistWriter.ToXml(new PlistArray([new PlistString("x")])), TestProfiles.CreationDate, Pki.ProfileSigner);

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(signed, Pki.TrustRoots));

        Assert.Contains("not a dictionary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_detached_CMS_carries_no_profile_and_is_a_format_error()
    {
        var signed = Pki.SignContent(PlistWriter.ToXml(Enterprise()), TestProfiles.CreationDate, Pki.ProfileSigner, detached: true);

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(signed, Pki.TrustRoots));

        Assert.Contains("carries no profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_DER_structure_that_is_not_a_CMS_is_a_format_error()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
        }

        Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(writer.Encode(), Pki.TrustRoots));
    }

    [Fact]
    public void A_plist_whose_DeveloperCertificates_hold_garbage_reads_with_problems()
    {
        var garbage = new PlistArray(Enumerable.Range(0, 4).Select(i => new PlistData(new byte[] { 0x30, 0x82, 0xFF, (byte)i })));
        var plist = TestProfiles.With(Enterprise(), "DeveloperCertificates", garbage);

        var result = ProvisioningProfileReader.Read(PlistWriter.ToXml(plist), Pki.TrustRoots);

        Assert.Empty(result.Profile.DeveloperCertificates);
        Assert.Equal(4, result.Problems.Count(problem => problem.Contains("is not an X.509 certificate", StringComparison.Ordinal)));
    }

    [Fact]
    public void Four_hundred_random_byte_corruptions_of_a_signed_profile_are_read_or_refused_as_format_errors()
    {
        var signed = SignedDevelopmentProfileWithDerForm();
        var random = new Random(20141113);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < 400; i++)
        {
            var corrupt = (byte[])signed.Clone();
            corrupt[random.Next(corrupt.Length)] ^= (byte)random.Next(1, 256);
            try
            {
                var result = ProvisioningProfileReader.Read(corrupt, Pki.TrustRoots);
                Count(outcomes, result.Signature.IsTrusted ? "trusted" : "untrusted");
            }
            catch (PackageFormatException)
            {
                Count(outcomes, "refused");
            }
        }

        // Any other exception has already failed the test; both outcomes must have been exercised.
        Assert.True(outcomes.GetValueOrDefault("refused") > 0 && outcomes.GetValueOrDefault("untrusted") > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void A_corrupted_byte_in_the_signed_plist_never_reads_as_trusted()
    {
        var signed = SignedDevelopmentProfileWithDerForm();
        var content = signed.AsSpan().IndexOf("<?xml"u8);
        var end = signed.AsSpan().IndexOf("</plist>"u8) + "</plist>".Length;
        var random = new Random(1415865600);

        for (var i = 0; i < 200; i++)
        {
            var corrupt = (byte[])signed.Clone();
            var at = random.Next(content, end);
            corrupt[at] ^= (byte)random.Next(1, 256);
            try
            {
                var result = ProvisioningProfileReader.Read(corrupt, Pki.TrustRoots);
                Assert.False(result.Signature.SignatureValid, $"a change at offset {at} went unnoticed");
            }
            catch (PackageFormatException)
            {
                // Refusing the file is as good as noticing.
            }
        }
    }

    [Fact]
    public void Three_hundred_corruptions_of_a_DER_Encoded_Profile_give_problems_never_exceptions()
    {
        var plist = TestProfiles.WithDerEncodedProfile(Enterprise(), Pki);
        var der = plist.GetData("DER-Encoded-Profile")!.Value.ToArray();
        var random = new Random(437_558_400);
        var noticed = 0;

        for (var i = 0; i < 300; i++)
        {
            var corrupt = (byte[])der.Clone();
            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            var bytes = PlistWriter.ToXml(TestProfiles.With(plist, "DER-Encoded-Profile", new PlistData(corrupt)));

            noticed += ProvisioningProfileReader.Read(bytes, Pki.TrustRoots).Problems.Count > 0 ? 1 : 0;
        }

        Assert.InRange(noticed, 1, 300);
    }

    private static byte[] SignedDevelopmentProfileWithDerForm() =>
        Pki.SignProfile(
            TestProfiles.WithDerEncodedProfile(TestProfiles.Create(DistributionType.Development, [Pki.Distribution]), Pki),
            TestProfiles.CreationDate);

    private static void Count(Dictionary<string, int> outcomes, string outcome) =>
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

    private static byte[] UnsignedCms(byte[] content)
    {
        var cms = new SignedCms(new ContentInfo(content));
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Pki.ProfileSigner));
        cms.RemoveSignature(0);
        return cms.Encode();
    }

    private static PlistDictionary Enterprise() => TestProfiles.Create(DistributionType.Enterprise, [Pki.Distribution]);
}
