using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// Reads <c>embedded.mobileprovision</c> (DOMAIN §4): a DER CMS SignedData around an XML plist, or, as some
/// tools and test suites leave it, the bare plist. Bytes that are neither raise
/// <see cref="PackageFormatException"/>; everything else that is wrong becomes a problem in the result.
/// </summary>
public static class ProvisioningProfileReader
{
    /// <exception cref="PackageFormatException">
    /// The bytes are empty, over <see cref="ProvisioningReaderOptions.MaxBytes"/>, not a CMS SignedData nor a
    /// property list, carry no content, or the content is not a dictionary.
    /// </exception>
    public static ProfileReadResult Read(ReadOnlySpan<byte> bytes, TrustRoots roots, ProvisioningReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        options ??= ProvisioningReaderOptions.Default;
        if (bytes.Length > options.MaxBytes)
        {
            throw new PackageFormatException(
                $"Provisioning profile of {bytes.Length} bytes exceeds the limit of {options.MaxBytes}", options.MaxBytes);
        }

        if (bytes.IsEmpty)
        {
            throw new PackageFormatException("Provisioning profile is empty", 0);
        }

        // A DER SEQUENCE starts 0x30; a plist starts "bplist", '<', a BOM or white space, never 0x30.
        return bytes[0] == 0x30 ? ReadSigned(bytes, roots, options) : ReadBare(bytes, options);
    }

    private static ProfileReadResult ReadBare(ReadOnlySpan<byte> bytes, ProvisioningReaderOptions options)
    {
        var problems = new List<string>();
        var profile = ReadProfile(PlistReader.Read(bytes, options.Plist), contentOffset: 0, problems);
        return new ProfileReadResult(
            profile,
            SignerVerification.Unsigned("The profile is a bare property list: no CMS signature vouches for it."),
            problems);
    }

    private static ProfileReadResult ReadSigned(ReadOnlySpan<byte> bytes, TrustRoots roots, ProvisioningReaderOptions options)
    {
        var layout = CmsLayout.Find(bytes);
        var cms = new SignedCms();
        try
        {
            cms.Decode(bytes);
        }
        catch (CryptographicException exception)
        {
            throw new PackageFormatException($"Not a CMS SignedData: {exception.Message}", 0, exception);
        }

        var content = cms.ContentInfo.Content;
        var contentOffset = layout?.ContentOffset ?? 0;
        if (content.Length == 0)
        {
            throw new PackageFormatException("The CMS carries no profile (its content is detached or empty)", contentOffset);
        }

        PlistDocument document;
        try
        {
            document = PlistReader.Read(content, options.Plist);
        }
        catch (PackageFormatException exception)
        {
            throw new PackageFormatException(
                $"The CMS content, from offset {contentOffset}, is not a property list: {exception.Message}",
                contentOffset + exception.Offset,
                exception);
        }

        var problems = new List<string>();
        if (layout is { } found && found.Length < bytes.Length)
        {
            problems.Add($"{bytes.Length - found.Length} bytes follow the CMS structure; nothing signs them.");
        }

        var profile = ReadProfile(document, contentOffset, problems);
        var signatureProblems = new List<string>();
        if (cms.ContentInfo.ContentType.Value != CmsSignerJudge.IdData)
        {
            signatureProblems.Add($"The CMS content type is {cms.ContentInfo.ContentType.Value}, not id-data.");
        }

        var fallback = profile.CreationDate is { } created ? (created, "the profile's CreationDate") : ((DateTimeOffset, string)?)null;
        var signature = CmsSignerJudge.Judge(cms, roots, fallback, options.TimeProvider, forCodeSigning: false, signatureProblems);
        return new ProfileReadResult(profile, signature, problems);
    }

    private static ProvisioningProfile ReadProfile(PlistDocument document, long contentOffset, List<string> problems)
    {
        if (document.Root is not PlistDictionary root)
        {
            throw new PackageFormatException("The profile's property list is not a dictionary", contentOffset);
        }

        if (document.ContainsUid)
        {
            problems.Add("The profile holds a keyed-archiver UID, which no profile writer produces.");
        }

        var fields = new FieldReader(root, problems);
        foreach (var key in (string[])["TeamIdentifier", "UUID", "CreationDate", "ExpirationDate", "DeveloperCertificates", "Entitlements"])
        {
            if (!root.ContainsKey(key))
            {
                problems.Add($"{key} is absent.");
            }
        }

        var creation = fields.Date("CreationDate");
        var expiration = fields.Date("ExpirationDate");
        if (creation is { } from && expiration is { } until && until <= from)
        {
            problems.Add("ExpirationDate is not after CreationDate.");
        }

        var entitlements = fields.Dictionary("Entitlements") ?? PlistDictionary.Empty;
        var entitlementFields = new FieldReader(entitlements, problems, "Entitlements.");
        var derProfile = fields.Data("DER-Encoded-Profile");
        if (derProfile is { } der)
        {
            DerEncodedProfile.CompareWith(der, root, problems);
        }

        return new ProvisioningProfile
        {
            Name = fields.String("Name"),
            AppIdName = fields.String("AppIDName"),
            TeamName = fields.String("TeamName"),
            TeamIdentifiers = fields.Strings("TeamIdentifier") ?? [],
            ApplicationIdentifierPrefix = fields.Strings("ApplicationIdentifierPrefix") ?? [],
            CreationDate = creation,
            ExpirationDate = expiration,
            Platforms = fields.Strings("Platform") ?? [],
            ProvisionsAllDevices = fields.Boolean("ProvisionsAllDevices") ?? false,
            ProvisionedDevices = fields.Strings("ProvisionedDevices"),
            Entitlements = entitlements,
            GetTaskAllow = entitlementFields.Boolean("get-task-allow") ?? false,
            ApplicationIdentifier = entitlementFields.String("application-identifier")
                ?? entitlementFields.String("com.apple.application-identifier"),
            DeveloperCertificates = ReadCertificates(fields.Array("DeveloperCertificates"), problems),
            Uuid = fields.String("UUID"),
            TimeToLive = fields.Integer("TimeToLive"),
            Version = fields.Integer("Version"),
            IsXcodeManaged = fields.Boolean("IsXcodeManaged"),
            HasDerEncodedProfile = derProfile is not null,
        };
    }

    private static List<SigningCertificate> ReadCertificates(PlistArray? array, List<string> problems)
    {
        var certificates = new List<SigningCertificate>();
        if (array is null)
        {
            return certificates;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not PlistData data)
            {
                problems.Add($"DeveloperCertificates[{i}] is {FieldReader.Describe(array[i])}, not data.");
                continue;
            }

            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(data.Value.Span);
                certificates.Add(SigningCertificate.From(certificate));
            }
            catch (CryptographicException exception)
            {
                problems.Add(
                    $"DeveloperCertificates[{i}] is not an X.509 certificate (SHA-1 {Convert.ToHexStringLower(SHA1.HashData(data.Value.Span))}, {data.Length} bytes): {exception.Message}");
            }
        }

        return certificates;
    }

    /// <summary>Typed look-ups that name a key of the wrong type as a problem instead of silently reading null.</summary>
    private sealed class FieldReader(PlistDictionary dictionary, List<string> problems, string prefix = "")
    {
        public string? String(string key) => Get<PlistString>(key, "a string")?.Value;

        public bool? Boolean(string key) => Get<PlistBoolean>(key, "a boolean")?.Value;

        public DateTimeOffset? Date(string key) => Get<PlistDate>(key, "a date")?.Value;

        public PlistDictionary? Dictionary(string key) => Get<PlistDictionary>(key, "a dictionary");

        public PlistArray? Array(string key) => Get<PlistArray>(key, "an array");

        public ReadOnlyMemory<byte>? Data(string key) => Get<PlistData>(key, "data")?.Value;

        public long? Integer(string key)
        {
            var integer = Get<PlistInteger>(key, "an integer");
            if (integer is null)
            {
                return null;
            }

            if (!integer.TryGetInt64(out var value))
            {
                problems.Add($"{prefix}{key} is {integer.Value}, beyond a 64-bit integer.");
                return null;
            }

            return value;
        }

        /// <summary>The string items of an array; null when absent. Other items are named as problems and skipped.</summary>
        public List<string>? Strings(string key)
        {
            if (Array(key) is not { } array)
            {
                return null;
            }

            var strings = new List<string>(array.Count);
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is PlistString text)
                {
                    strings.Add(text.Value);
                }
                else
                {
                    problems.Add($"{prefix}{key}[{i}] is {Describe(array[i])}, not a string.");
                }
            }

            return strings;
        }

        public static string Describe(PlistNode node) => node switch
        {
            PlistString => "a string",
            PlistInteger => "an integer",
            PlistReal => "a real",
            PlistBoolean => "a boolean",
            PlistDate => "a date",
            PlistData => "data",
            PlistArray => "an array",
            PlistDictionary => "a dictionary",
            PlistUid => "a UID",
            _ => node.GetType().Name,
        };

        private TNode? Get<TNode>(string key, string expected)
            where TNode : PlistNode
        {
            if (!dictionary.TryGetValue(key, out var node))
            {
                return null;
            }

            if (node is TNode typed)
            {
                return typed;
            }

            problems.Add($"{prefix}{key} is {Describe(node)}, not {expected}.");
            return null;
        }
    }

    /// <summary>
    /// Where the signed content sits in the file, found by walking the DER headers (RFC 5652 §5.1), so an
    /// error in the plist points at the file's own offset; and how long the CMS is, so trailing bytes show.
    /// </summary>
    private readonly record struct CmsLayout(int ContentOffset, int Length)
    {
        public static CmsLayout? Find(ReadOnlySpan<byte> der)
        {
            const AsnEncodingRules Rules = AsnEncodingRules.BER;
            try
            {
                AsnDecoder.ReadEncodedValue(der, Rules, out var position, out _, out var length);
                position += Skip(der[position..]); // contentType
                position += Header(der[position..]); // [0] EXPLICIT
                position += Header(der[position..]); // SignedData
                position += Skip(der[position..]); // version
                position += Skip(der[position..]); // digestAlgorithms
                position += Header(der[position..]); // encapContentInfo
                position += Skip(der[position..]); // eContentType
                position += Header(der[position..]); // [0] EXPLICIT
                position += Header(der[position..]); // OCTET STRING
                return new CmsLayout(position, length);
            }
            catch (AsnContentException)
            {
                return null;
            }
        }

        private static int Header(ReadOnlySpan<byte> der)
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.BER, out var contentOffset, out _, out _);
            return contentOffset;
        }

        private static int Skip(ReadOnlySpan<byte> der)
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.BER, out _, out _, out var consumed);
            return consumed;
        }
    }
}
