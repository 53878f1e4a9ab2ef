using System.Globalization;
using System.Text.Json;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Provisioning;

/// <summary>
/// The shared fixtures' profiles against <c>expected.json</c>'s <c>openssl_profile</c>, what OpenSSL and CPython
/// made of each file. Where the product deliberately judges differently, a test below names the file and why.
/// </summary>
public sealed class FixtureProfileTests
{
    /// <summary>Files whose bytes are no profile at all: neither a CMS nor a plist Apple's reader accepts.</summary>
    private static readonly (string File, string Why)[] RefusedFiles =
    [
        ("appaloosa__adhoc.mobileprovision", "a 0x01 byte precedes <?xml: no XML parser accepts it; only a lenient scrape finds keys"),
        ("appaloosa__has_associated_domains.mobileprovision", "a 0x01 byte precedes <?xml, as in appaloosa__adhoc"),
        ("appaloosa__unknown.mobileprovision", "a 0x01 byte precedes <?xml, as in appaloosa__adhoc"),
        ("fastlane__dummy.mobileprovision", "empty"),
        ("rulesapple__bogus.mobileprovision", "the text BOGUS, repeated"),
    ];

    /// <summary>
    /// rules_apple's bare profiles hold <c>&lt;data&gt;NOT_A_VALID_CERTIFICATE&lt;/data&gt;</c>. Underscores are not
    /// base64, so the product's plist reader refuses the whole file (DOMAIN §3.2: base64, white space anywhere);
    /// CPython's decoder skips them and reads the 15 bytes of <c>NOTAVALIDCERTIFICATE</c>. The facts are compared
    /// on that repaired text, which is what CPython read.
    /// </summary>
    private static readonly string[] NotBase64Files =
    [
        "rulesapple__integration_testing_ios.mobileprovision",
        "rulesapple__integration_testing_ios_without_get_task_allow.mobileprovision",
        "rulesapple__integration_testing_macos.provisionprofile",
        "rulesapple__integration_testing_tvos.mobileprovision",
        "rulesapple__integration_testing_visionos.mobileprovision",
    ];

    private const string NotBase64Data = "<data>NOT_A_VALID_CERTIFICATE</data>";

    /// <summary>Files that read as profiles (CMS-signed or bare plists), the <see cref="NotBase64Files"/> once repaired.</summary>
    private static readonly string[] ReadableFiles =
    [
        "appaloosa__signature_mismatch.mobileprovision",
        "fastlane__AppStore_net.sunapps.9.watch.mobileprovision",
        "fastlane__AppStore_tools.fastlane.app.mobileprovision",
        "fastlane__downloaded_provisioning_profile.mobileprovision",
        "fastlane__embedded.mobileprovision",
        "fastlane__test.mobileprovision",
        "fastlane__test.provisionprofile",
        "nsfinder__3aa58a65-f8da-4c67-ZZZZ-ZZZZZZZZZZZZ.mobileprovision",
        "nsfinder__bb53a533-e88d-470f-ZZZZ-ZZZZZZZZZZZZ.mobileprovision",
        "rulesapple__integration_testing_ios.mobileprovision",
        "rulesapple__integration_testing_ios_without_get_task_allow.mobileprovision",
        "rulesapple__integration_testing_macos.provisionprofile",
        "rulesapple__integration_testing_tvos.mobileprovision",
        "rulesapple__integration_testing_visionos.mobileprovision",
    ];

    /// <summary>
    /// Where our distribution type differs from the fixtures' derivation, which skips DOMAIN §4's first step
    /// (Platform must name iOS) and takes an empty ProvisionedDevices array for an absent one.
    /// </summary>
    private static readonly (string File, DistributionType Ours, string Why)[] DistributionDeviationFiles =
    [
        ("fastlane__test.provisionprofile", DistributionType.NotIos, "Platform is [OSX] (edited after signing), which does not name iOS"),
        ("rulesapple__integration_testing_macos.provisionprofile", DistributionType.NotIos, "Platform is [macOS]"),
        ("rulesapple__integration_testing_tvos.mobileprovision", DistributionType.NotIos, "Platform is [tvOS]"),
        ("rulesapple__integration_testing_visionos.mobileprovision", DistributionType.NotIos, "Platform is [xrOS, visionOS]"),
        (
            "rulesapple__integration_testing_ios_without_get_task_allow.mobileprovision", DistributionType.AdHoc,
            "ProvisionedDevices is present (empty), which DOMAIN §4 step 4 makes ad hoc; the fixture derivation needs a device"),
    ];

    public static TheoryData<string, string> Refused
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (file, why) in RefusedFiles)
            {
                data.Add(file, why);
            }

            return data;
        }
    }

    public static TheoryData<string> Readable => new(ReadableFiles);

    public static TheoryData<string> NotBase64 => new(NotBase64Files);

    public static TheoryData<string, DistributionType, string> DistributionDeviations
    {
        get
        {
            var data = new TheoryData<string, DistributionType, string>();
            foreach (var (file, ours, why) in DistributionDeviationFiles)
            {
                data.Add(file, ours, why);
            }

            return data;
        }
    }

    private static readonly Lazy<JsonDocument?> Expected = new(() =>
        SharedFixtures.Root is { } root ? JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "expected.json")), new JsonDocumentOptions { MaxDepth = 4096 }) : null);

    [SkippableFact]
    public void The_fixture_folder_holds_exactly_the_profiles_these_tests_know()
    {
        var folder = Path.Combine(SharedFixtures.RequireRoot(), "mobileprovision");
        var known = RefusedFiles.Select(row => row.File).Concat(ReadableFiles);

        Assert.Equal(known.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Every_fixture_profile_is_read_or_refused_with_a_format_error_and_nothing_else()
    {
        var folder = Path.Combine(SharedFixtures.RequireRoot(), "mobileprovision");
        var outcomes = new List<string>();

        foreach (var path in Directory.GetFiles(folder))
        {
            try
            {
                ProvisioningProfileReader.Read(File.ReadAllBytes(path), TrustRoots.Apple);
                outcomes.Add("read");
            }
            catch (PackageFormatException)
            {
                outcomes.Add("refused");
            }
        }

        Assert.Equal(19, outcomes.Count);
        Assert.Equal(ReadableFiles.Length - NotBase64Files.Length, outcomes.Count(outcome => outcome == "read"));
    }

    [SkippableTheory]
    [MemberData(nameof(Refused))]
    public void Files_that_are_no_profile_are_refused_as_openssl_and_CPython_refuse_them(string file, string why)
    {
        var bytes = Bytes(file);
        var expected = OpensslProfile(file);

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(bytes, TrustRoots.Apple));

        Assert.False(expected.GetProperty("openssl_cms_parse_ok").GetBoolean(), why);
        Assert.False(expected.TryGetProperty("profile", out _), why);
        Assert.InRange(error.Offset, 0, bytes.Length);
    }

    [SkippableTheory]
    [MemberData(nameof(NotBase64))]
    public void Data_that_is_not_base64_is_refused_at_its_offset_where_CPython_skips_the_bad_characters(string file)
    {
        var bytes = Bytes(file);
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(NotBase64Data));

        var error = Assert.Throws<PackageFormatException>(() => ProvisioningProfileReader.Read(bytes, TrustRoots.Apple));

        Assert.True(OpensslProfile(file).GetProperty("plistlib_valid").GetBoolean());
        Assert.StartsWith("<data> is not base64", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Offset, at, at + NotBase64Data.Length);
    }

    [SkippableTheory]
    [MemberData(nameof(Readable))]
    public void Each_profile_reads_the_facts_openssl_and_CPython_read(string file)
    {
        var expected = OpensslProfile(file);
        var facts = expected.GetProperty("profile");

        var result = ProvisioningProfileReader.Read(ProfileBytes(file), TrustRoots.Apple);
        var profile = result.Profile;

        Assert.Equal(Strings(facts, "TeamIdentifier"), profile.TeamIdentifiers);
        Assert.Equal(facts.GetProperty("UUID").GetString(), profile.Uuid);
        Assert.Equal(facts.GetProperty("Name").GetString(), profile.Name);
        Assert.Equal(facts.GetProperty("AppIDName").GetString(), profile.AppIdName);
        Assert.Equal(facts.GetProperty("TeamName").GetString(), profile.TeamName);
        Assert.Equal(Strings(facts, "ApplicationIdentifierPrefix"), profile.ApplicationIdentifierPrefix);
        Assert.Equal(Date(facts, "CreationDate"), profile.CreationDate);
        Assert.Equal(Date(facts, "ExpirationDate"), profile.ExpirationDate);
        Assert.Equal(Strings(facts, "Platform") ?? [], profile.Platforms);
        Assert.Equal(facts.GetProperty("ProvisionsAllDevices").ValueKind == JsonValueKind.True, profile.ProvisionsAllDevices);
        Assert.Equal(Count(facts, "ProvisionedDevices_count"), profile.ProvisionedDevices?.Count);
        Assert.Equal(facts.GetProperty("TimeToLive").GetInt64(), profile.TimeToLive);
        Assert.Equal(facts.GetProperty("Version").GetInt64(), profile.Version);
        Assert.Equal(facts.GetProperty("has_DER_Encoded_Profile").GetBoolean(), profile.HasDerEncodedProfile);
        Assert.Equal(
            facts.GetProperty("entitlement_keys").EnumerateArray().Select(key => key.GetString()!).Order(StringComparer.Ordinal),
            profile.Entitlements.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(facts.GetProperty("entitlements").TryGetProperty("get-task-allow", out var taskAllow) && taskAllow.GetBoolean(), profile.GetTaskAllow);
        Assert.Equal(facts.GetProperty("entitlements").GetProperty("application-identifier").GetString(), profile.ApplicationIdentifier);
        if (facts.TryGetProperty("IsXcodeManaged", out var xcodeManaged))
        {
            Assert.Equal(xcodeManaged.GetBoolean(), profile.IsXcodeManaged);
        }

        AssertDeveloperCertificates(facts.GetProperty("DeveloperCertificates"), profile, result.Problems);
        Assert.Equal(expected.GetProperty("openssl_cms_verify_noverify_ok").GetBoolean(), result.Signature.SignatureValid);
        Assert.Equal(!expected.TryGetProperty("bare_plist_not_cms", out var bare) || !bare.GetBoolean(), result.Signature.IsSigned);

        var deviation = Array.Find(DistributionDeviationFiles, row => row.File == file);
        Assert.Equal(deviation.File is null ? FixtureDerivation(facts) : deviation.Ours, profile.Distribution);
    }

    [SkippableTheory]
    [MemberData(nameof(DistributionDeviations))]
    public void Where_the_fixture_derivation_skips_a_step_of_DOMAIN_section_4_the_distribution_type_differs(
        string file, DistributionType ours, string why)
    {
        var facts = OpensslProfile(file).GetProperty("profile");

        var profile = ProvisioningProfileReader.Read(ProfileBytes(file), TrustRoots.Apple).Profile;

        Assert.Equal(ours, profile.Distribution);
        Assert.NotEqual(FixtureDerivation(facts), profile.Distribution);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [SkippableTheory]
    [MemberData(nameof(Readable))]
    public void Profiles_whose_signer_chain_ends_at_an_Apple_CA_chain_to_the_embedded_roots_at_their_signing_time(string file)
    {
        var expected = OpensslProfile(file);
        var chain = expected.TryGetProperty("cms_signer_chain_subjects", out var subjects)
            ? subjects.EnumerateArray().Select(subject => subject.GetString()!).ToList()
            : [];
        var endsAtApple = chain.Count > 0 && chain[^1].Contains("O = \"Apple Computer, Inc.\"", StringComparison.Ordinal)
            || chain.Count > 0 && chain[^1].Contains("O = Apple Inc.", StringComparison.Ordinal);

        var signature = ProvisioningProfileReader.Read(ProfileBytes(file), TrustRoots.Apple).Signature;

        if (endsAtApple)
        {
            Assert.True(signature.ChainTrusted, string.Join(" | ", signature.Problems));
            Assert.Equal("Apple iPhone OS Provisioning Profile Signing", signature.Signer?.CommonName);
            Assert.Equal("Apple Root CA", signature.Chain[^1].CommonName);
            Assert.NotNull(signature.SigningTime);
            Assert.True(signature.Chain.All(certificate => certificate.IsValidAt(signature.SigningTime!.Value)));
        }
        else
        {
            Assert.False(signature.ChainTrusted);
            Assert.NotEmpty(signature.Problems);
        }
    }

    [SkippableFact]
    public void Apple_profiles_that_were_not_edited_are_trusted_without_a_single_problem()
    {
        foreach (var file in new[]
        {
            "fastlane__AppStore_net.sunapps.9.watch.mobileprovision",
            "fastlane__AppStore_tools.fastlane.app.mobileprovision",
            "fastlane__test.mobileprovision",
        })
        {
            var result = ProvisioningProfileReader.Read(Bytes(file), TrustRoots.Apple);

            Assert.True(result.Signature.IsTrusted, file);
            Assert.Empty(result.Signature.Problems);
            Assert.Empty(result.Problems);
        }
    }

    [SkippableFact]
    public void The_TestFixture_signed_profile_does_not_chain_and_says_why()
    {
        var signature = ProvisioningProfileReader.Read(Bytes("fastlane__embedded.mobileprovision"), TrustRoots.Apple).Signature;

        Assert.True(signature.SignatureValid);
        Assert.False(signature.ChainTrusted);
        Assert.Equal("TestFixture", signature.Signer?.CommonName);
        Assert.Contains(signature.Problems, problem => problem.StartsWith("TestFixture: UntrustedRoot", StringComparison.Ordinal));
        Assert.Contains(signature.Problems, problem => problem.Contains("judged at the profile's CreationDate", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Apple_profiles_edited_after_signing_keep_Apples_chain_but_fail_the_signature()
    {
        foreach (var file in new[]
        {
            "fastlane__test.provisionprofile",
            "nsfinder__3aa58a65-f8da-4c67-ZZZZ-ZZZZZZZZZZZZ.mobileprovision",
            "nsfinder__bb53a533-e88d-470f-ZZZZ-ZZZZZZZZZZZZ.mobileprovision",
        })
        {
            var signature = ProvisioningProfileReader.Read(Bytes(file), TrustRoots.Apple).Signature;

            Assert.False(signature.SignatureValid, file);
            Assert.True(signature.ChainTrusted, file);
            Assert.False(signature.IsTrusted, file);
        }
    }

    private static void AssertDeveloperCertificates(JsonElement expected, ProvisioningProfile profile, IReadOnlyList<string> problems)
    {
        var parsed = expected.EnumerateArray().Where(certificate => certificate.GetProperty("x509_parses").GetBoolean()).ToList();
        Assert.Equal(
            parsed.Select(certificate => (certificate.GetProperty("sha1_openssl").GetString()!.ToLowerInvariant(), certificate.GetProperty("subject").GetString())),
            profile.DeveloperCertificates.Select(certificate => (certificate.Sha1, (string?)certificate.Subject)));

        foreach (var unreadable in expected.EnumerateArray().Where(certificate => !certificate.GetProperty("x509_parses").GetBoolean()))
        {
            var sha1 = unreadable.GetProperty("sha1_hashlib").GetString()!.ToLowerInvariant();
            Assert.Contains(problems, problem => problem.Contains("is not an X.509 certificate (SHA-1 " + sha1, StringComparison.Ordinal));
        }
    }

    /// <summary>The fixture's derivation, mapped onto ours: its "development-no-devices" is development.</summary>
    private static DistributionType FixtureDerivation(JsonElement facts) => facts.GetProperty("derived_type").GetString() switch
    {
        "appstore" => DistributionType.AppStore,
        "adhoc" => DistributionType.AdHoc,
        "development" or "development-no-devices" => DistributionType.Development,
        "enterprise" => DistributionType.Enterprise,
        var other => throw new InvalidOperationException($"Unknown derived_type '{other}'."),
    };

    private static byte[] Bytes(string file) =>
        File.ReadAllBytes(Path.Combine(SharedFixtures.RequireRoot(), "mobileprovision", file));

    /// <summary>The file as CPython read it: for <see cref="NotBase64Files"/>, without the underscores its decoder skipped.</summary>
    private static byte[] ProfileBytes(string file)
    {
        var bytes = Bytes(file);
        return NotBase64Files.Contains(file)
            ? System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes).Replace(NotBase64Data, "<data>NOTAVALIDCERTIFICATE</data>", StringComparison.Ordinal))
            : bytes;
    }

    private static JsonElement OpensslProfile(string file)
    {
        SharedFixtures.RequireRoot();
        return Expected.Value!.RootElement.GetProperty("files").GetProperty("mobileprovision/" + file).GetProperty("openssl_profile");
    }

    private static List<string>? Strings(JsonElement facts, string key) =>
        facts.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(item => item.GetString()!)]
            : null;

    private static DateTimeOffset Date(JsonElement facts, string key) =>
        DateTimeOffset.Parse(facts.GetProperty(key).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static int? Count(JsonElement facts, string key) =>
        facts.GetProperty(key).ValueKind == JsonValueKind.Null ? null : facts.GetProperty(key).GetInt32();
}
