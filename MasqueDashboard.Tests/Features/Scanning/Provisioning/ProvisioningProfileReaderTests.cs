using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Provisioning;

public sealed class ProvisioningProfileReaderTests
{
    private static readonly TestPki Pki = TestPki.Shared;

    [Fact]
    public void A_profile_signed_under_a_configured_test_root_verifies_and_chains_at_its_signing_time()
    {
        var bytes = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);

        var result = ProvisioningProfileReader.Read(bytes, Pki.TrustRoots);

        Assert.True(result.Signature.IsSigned);
        Assert.True(result.Signature.SignatureValid);
        Assert.True(result.Signature.ChainTrusted);
        Assert.True(result.Signature.IsTrusted);
        Assert.Empty(result.Signature.Problems);
        Assert.Empty(result.Problems);
        Assert.Equal(TestProfiles.CreationDate, result.Signature.SigningTime);
        Assert.Equal(SigningCertificate.From(Pki.ProfileSigner), result.Signature.Signer);
        Assert.Equal(
            [SigningCertificate.From(Pki.ProfileSigner), SigningCertificate.From(Pki.Intermediate), SigningCertificate.From(Pki.Root)],
            result.Signature.Chain);
    }

    [Fact]
    public void The_same_profile_judged_against_Apples_roots_alone_does_not_chain()
    {
        var bytes = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);

        var result = ProvisioningProfileReader.Read(bytes, TrustRoots.Apple);

        Assert.True(result.Signature.SignatureValid);
        Assert.False(result.Signature.ChainTrusted);
        Assert.False(result.Signature.IsTrusted);
        Assert.Contains(result.Signature.Problems, problem => problem.Contains("UntrustedRoot", StringComparison.Ordinal)
            || problem.Contains("PartialChain", StringComparison.Ordinal));
    }

    [Fact]
    public void A_signer_that_expired_after_the_profile_was_signed_still_chains()
    {
        var created = new DateTimeOffset(2019, 6, 1, 12, 0, 0, TimeSpan.Zero);
        using var expired = Pki.IssueLeaf(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var bytes = Pki.SignProfile(TestProfiles.Create(DistributionType.Enterprise, [Pki.Distribution], created), created, expired);

        var result = ProvisioningProfileReader.Read(bytes, Pki.TrustRoots);

        Assert.True(result.Signature.IsTrusted, string.Join(" | ", result.Signature.Problems));
        Assert.Equal(created, result.Signature.SigningTime);
    }

    [Fact]
    public void Without_a_signingTime_the_chain_is_judged_at_the_profiles_CreationDate()
    {
        var created = new DateTimeOffset(2019, 6, 1, 12, 0, 0, TimeSpan.Zero);
        using var expired = Pki.IssueLeaf(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var bytes = Pki.SignProfile(TestProfiles.Create(DistributionType.Enterprise, [Pki.Distribution], created), signingTime: null, expired);

        var result = ProvisioningProfileReader.Read(bytes, Pki.TrustRoots);

        Assert.True(result.Signature.SignatureValid);
        Assert.True(result.Signature.ChainTrusted);
        Assert.Null(result.Signature.SigningTime);
        Assert.Equal(
            ["The CMS has no signingTime attribute: the chain is judged at the profile's CreationDate (2019-06-01T12:00:00Z)."],
            result.Signature.Problems);
    }

    [Fact]
    public void A_signer_not_yet_valid_at_the_signing_time_does_not_chain()
    {
        using var later = Pki.IssueLeaf(new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero), TestPki.ValidUntil);
        var bytes = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate, later);

        var result = ProvisioningProfileReader.Read(bytes, Pki.TrustRoots);

        Assert.True(result.Signature.SignatureValid);
        Assert.False(result.Signature.ChainTrusted);
        Assert.Contains(
            "iPhone Distribution: Example Corp (ABCDE12345): NotTimeValid: valid 2022-01-01T00:00:00Z to 2040-01-01T00:00:00Z, judged at 2021-04-21T09:15:23Z",
            result.Signature.Problems);
    }

    [Fact]
    public void Content_edited_after_signing_fails_the_signature_but_keeps_its_chain()
    {
        var signed = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);
        var tampered = TestPki.ReplaceOnce(signed, "<string>ABCDE12345.com.example.app</string>", "<string>ABCDE12345.com.example.bnk</string>");

        var result = ProvisioningProfileReader.Read(tampered, Pki.TrustRoots);

        Assert.True(result.Signature.IsSigned);
        Assert.False(result.Signature.SignatureValid);
        Assert.True(result.Signature.ChainTrusted);
        Assert.False(result.Signature.IsTrusted);
        Assert.Contains(result.Signature.Problems, problem => problem.StartsWith("The CMS signature does not verify", StringComparison.Ordinal));
        Assert.Equal("ABCDE12345.com.example.bnk", result.Profile.ApplicationIdentifier);
    }

    [Fact]
    public void The_facts_of_a_profile_are_read_from_its_plist()
    {
        var bytes = Pki.SignProfile(TestProfiles.Create(DistributionType.Development, [Pki.Distribution]), TestProfiles.CreationDate);

        var profile = ProvisioningProfileReader.Read(bytes, Pki.TrustRoots).Profile;

        Assert.Equal("Example App Development", profile.Name);
        Assert.Equal("Example App", profile.AppIdName);
        Assert.Equal(TestPki.TeamName, profile.TeamName);
        Assert.Equal([TestPki.TeamId], profile.TeamIdentifiers);
        Assert.Equal(TestPki.TeamId, profile.TeamId);
        Assert.Equal([TestPki.TeamId], profile.ApplicationIdentifierPrefix);
        Assert.Equal(TestProfiles.CreationDate, profile.CreationDate);
        Assert.Equal(TestProfiles.CreationDate.AddDays(365), profile.ExpirationDate);
        Assert.Equal(["iOS"], profile.Platforms);
        Assert.False(profile.ProvisionsAllDevices);
        Assert.Equal([TestProfiles.DeviceUdid], profile.ProvisionedDevices);
        Assert.Equal(
            ["application-identifier", "com.apple.developer.team-identifier", "get-task-allow", "keychain-access-groups"],
            profile.Entitlements.Keys);
        Assert.True(profile.GetTaskAllow);
        Assert.Equal("ABCDE12345.com.example.app", profile.ApplicationIdentifier);
        Assert.Equal(TestProfiles.Uuid, profile.Uuid);
        Assert.Equal(365, profile.TimeToLive);
        Assert.Equal(1, profile.Version);
        Assert.False(profile.IsXcodeManaged);
        Assert.False(profile.HasDerEncodedProfile);
        Assert.Equal(DistributionType.Development, profile.Distribution);
        var certificate = Assert.Single(profile.DeveloperCertificates);
        Assert.Equal("CN=iPhone Distribution: Example Corp (ABCDE12345),OU=ABCDE12345,O=Example Corp,C=US", certificate.Subject);
        Assert.Equal("iPhone Distribution: Example Corp (ABCDE12345)", certificate.CommonName);
        Assert.Equal(TestPki.TeamId, certificate.OrganizationalUnit);
        Assert.Equal(TestPki.TeamId, certificate.TeamId);
        Assert.Equal(Pki.Distribution.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant(), certificate.Sha256);
        Assert.Equal(Pki.Distribution.Thumbprint.ToLowerInvariant(), certificate.Sha1);
        Assert.Equal(TestPki.ValidFrom, certificate.NotBefore);
        Assert.Equal(TestPki.ValidUntil, certificate.NotAfter);
    }

    [Theory]
    [InlineData(DistributionType.Enterprise)]
    [InlineData(DistributionType.Development)]
    [InlineData(DistributionType.AdHoc)]
    [InlineData(DistributionType.AppStore)]
    [InlineData(DistributionType.NotIos)]
    public void The_distribution_type_follows_the_order_of_DOMAIN_section_4(DistributionType kind)
    {
        var bytes = Pki.SignProfile(TestProfiles.Create(kind, [Pki.Distribution]), TestProfiles.CreationDate);

        Assert.Equal(kind, ProvisioningProfileReader.Read(bytes, Pki.TrustRoots).Profile.Distribution);
    }

    [Fact]
    public void A_macOS_profile_that_provisions_all_devices_is_not_taken_for_an_enterprise_one()
    {
        var profile = ProvisioningProfileReader.Read(Pki.SignProfile(TestProfiles.Create(DistributionType.NotIos, [Pki.Distribution]), TestProfiles.CreationDate), Pki.TrustRoots).Profile;

        Assert.True(profile.ProvisionsAllDevices);
        Assert.Equal(DistributionType.NotIos, profile.Distribution);
    }

    [Fact]
    public void A_profile_without_Platform_is_judged_as_an_older_iOS_profile()
    {
        var plist = TestProfiles.With(Enterprise(), "Platform", null);

        var profile = ProvisioningProfileReader.Read(PlistWriter.ToXml(plist), Pki.TrustRoots).Profile;

        Assert.Empty(profile.Platforms);
        Assert.Equal(DistributionType.Enterprise, profile.Distribution);
    }

    [Fact]
    public void The_signing_leaf_is_allowed_only_when_DeveloperCertificates_lists_it()
    {
        using var other = Pki.IssueLeaf(TestPki.ValidFrom, TestPki.ValidUntil, "CN=iPhone Distribution: Someone Else (ZZZZZ99999), OU=ZZZZZ99999, O=Someone Else, C=US");
        var profile = ProvisioningProfileReader.Read(Pki.SignProfile(Enterprise(), TestProfiles.CreationDate), Pki.TrustRoots).Profile;

        Assert.True(profile.AllowsCertificate(SigningCertificate.From(Pki.Distribution)));
        Assert.False(profile.AllowsCertificate(SigningCertificate.From(other)));
    }

    [Fact]
    public void A_bare_plist_profile_is_read_and_reported_unsigned()
    {
        var result = ProvisioningProfileReader.Read(PlistWriter.ToXml(Enterprise()), Pki.TrustRoots);

        Assert.False(result.Signature.IsSigned);
        Assert.False(result.Signature.SignatureValid);
        Assert.False(result.Signature.ChainTrusted);
        Assert.Null(result.Signature.Signer);
        Assert.Equal(["The profile is a bare property list: no CMS signature vouches for it."], result.Signature.Problems);
        Assert.Equal(DistributionType.Enterprise, result.Profile.Distribution);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Keys_of_the_wrong_type_are_named_as_problems_and_read_as_absent()
    {
        var plist = TestProfiles.With(Enterprise(), "Name", new PlistInteger(7));
        plist = TestProfiles.With(plist, "TeamIdentifier", new PlistArray([new PlistString(TestPki.TeamId), new PlistBoolean(true)]));
        plist = TestProfiles.With(plist, "ProvisionsAllDevices", new PlistString("true"));
        var entitlements = TestProfiles.With(plist.GetDictionary("Entitlements")!, "get-task-allow", new PlistString("yes"));
        plist = TestProfiles.With(plist, "Entitlements", entitlements);

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Null(result.Profile.Name);
        Assert.Equal([TestPki.TeamId], result.Profile.TeamIdentifiers);
        Assert.False(result.Profile.ProvisionsAllDevices);
        Assert.False(result.Profile.GetTaskAllow);
        Assert.Equal(
            ["Name is an integer, not a string.",
             "TeamIdentifier[1] is a boolean, not a string.",
             "ProvisionsAllDevices is a string, not a boolean.",
             "Entitlements.get-task-allow is a string, not a boolean."],
            result.Problems);
    }

    [Fact]
    public void An_ExpirationDate_before_the_CreationDate_is_a_problem()
    {
        var plist = TestProfiles.With(Enterprise(), "ExpirationDate", new PlistDate(TestProfiles.CreationDate.AddDays(-1)));

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(["ExpirationDate is not after CreationDate."], result.Problems);
    }

    [Fact]
    public void Missing_decisive_keys_are_named()
    {
        var plist = TestProfiles.With(TestProfiles.With(Enterprise(), "TeamIdentifier", null), "UUID", null);

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(["TeamIdentifier is absent.", "UUID is absent."], result.Problems);
        Assert.Empty(result.Profile.TeamIdentifiers);
        Assert.Null(result.Profile.TeamId);
    }

    [Fact]
    public void A_keyed_archiver_UID_in_a_profile_is_a_problem()
    {
        var plist = TestProfiles.With(Enterprise(), "Owner", new PlistUid(3));

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(["The profile holds a keyed-archiver UID, which no profile writer produces."], result.Problems);
    }

    [Fact]
    public void Developer_certificates_that_do_not_decode_are_reported_with_their_SHA1_and_the_others_kept()
    {
        var certificates = new PlistArray([new PlistData("garbage"u8), new PlistData(Pki.Distribution.RawData), new PlistString("text")]);
        var plist = TestProfiles.With(Enterprise(), "DeveloperCertificates", certificates);

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal([SigningCertificate.From(Pki.Distribution)], result.Profile.DeveloperCertificates);
        Assert.Equal(2, result.Problems.Count);
        Assert.StartsWith(
            "DeveloperCertificates[0] is not an X.509 certificate (SHA-1 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("garbage"u8)) + ", 7 bytes)",
            result.Problems[0],
            StringComparison.Ordinal);
        Assert.Equal("DeveloperCertificates[2] is a string, not data.", result.Problems[1]);
    }

    [Fact]
    public void A_DER_Encoded_Profile_that_agrees_with_the_plist_adds_no_problem()
    {
        var plist = TestProfiles.WithDerEncodedProfile(TestProfiles.Create(DistributionType.Development, [Pki.Distribution]), Pki);

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.True(result.Profile.HasDerEncodedProfile);
        Assert.Empty(result.Problems);
        Assert.True(result.Signature.IsTrusted);
    }

    [Fact]
    public void A_DER_Encoded_Profile_for_another_team_disagrees_with_the_plist()
    {
        var plist = Enterprise();
        var other = TestProfiles.Create(DistributionType.Enterprise, [Pki.Distribution], teamId: "ZZZZZ99999");

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(TestProfiles.WithDerEncodedProfile(plist, Pki, other), TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(
            ["The plist and DER-Encoded-Profile disagree on ApplicationIdentifierPrefix.",
             "The plist and DER-Encoded-Profile disagree on Entitlements.",
             "The plist and DER-Encoded-Profile disagree on TeamIdentifier."],
            result.Problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_DER_Encoded_Profile_allowing_another_certificate_disagrees_with_the_plist()
    {
        using var other = Pki.IssueLeaf(TestPki.ValidFrom, TestPki.ValidUntil);
        var plist = Enterprise();
        var der = TestProfiles.With(plist, "DeveloperCertificates", new PlistArray([new PlistData(other.RawData)]));

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(TestProfiles.WithDerEncodedProfile(plist, Pki, der), TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(
            ["The plist and DER-Encoded-Profile disagree on DeveloperCertificates: 1 SHA-256 digest(s) only in the DER form, 1 certificate(s) only in the plist."],
            result.Problems);
    }

    [Fact]
    public void A_plist_that_provisions_all_devices_while_its_DER_form_lists_devices_disagrees()
    {
        var plist = Enterprise();
        var der = TestProfiles.Create(DistributionType.AdHoc, [Pki.Distribution]);
        der = TestProfiles.With(der, "Name", plist["Name"]);

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(TestProfiles.WithDerEncodedProfile(plist, Pki, der), TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.Equal(
            ["DER-Encoded-Profile has ProvisionedDevices, which the plist lacks.",
             "The plist has ProvisionsAllDevices, which DER-Encoded-Profile lacks."],
            result.Problems);
    }

    [Fact]
    public void A_DER_Encoded_Profile_that_is_not_a_CMS_is_a_problem_not_an_exception()
    {
        var plist = TestProfiles.With(Enterprise(), "DER-Encoded-Profile", new PlistData("\x30\x03\x02\x01\x01"u8));

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        Assert.True(result.Profile.HasDerEncodedProfile);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("DER-Encoded-Profile is not a CMS SignedData", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_DER_Encoded_Profile_whose_content_is_not_the_DER_form_is_a_problem()
    {
        var signed = Pki.SignContent("<plist/>"u8.ToArray(), TestProfiles.CreationDate, Pki.ProfileSigner);
        var plist = TestProfiles.With(Enterprise(), "DER-Encoded-Profile", new PlistData(signed));

        var result = ProvisioningProfileReader.Read(Pki.SignProfile(plist, TestProfiles.CreationDate), Pki.TrustRoots);

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("DER-Encoded-Profile's content does not decode", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_after_the_CMS_are_a_problem()
    {
        var signed = Pki.SignProfile(Enterprise(), TestProfiles.CreationDate);

        var result = ProvisioningProfileReader.Read([.. signed, .. "unsigned tail"u8], Pki.TrustRoots);

        Assert.Equal(["13 bytes follow the CMS structure; nothing signs them."], result.Problems);
        Assert.True(result.Signature.IsTrusted);
    }

    private static PlistDictionary Enterprise() => TestProfiles.Create(DistributionType.Enterprise, [Pki.Distribution]);
}
