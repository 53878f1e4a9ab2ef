using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// A throwaway certification authority shaped like Apple's (DOMAIN §5.8): a root, a WWDR-like intermediate,
/// a profile-signing leaf (Apple's "iPhone OS Provisioning Profile Signing") and a distribution leaf for a
/// fictional team, plus the CMS signatures the scanner reads: signed profiles and detached code signatures.
/// Nothing here is trusted unless a test adds <see cref="Root"/> with <see cref="TrustRoots"/>.
/// </summary>
/// <remarks>
/// Key generation is the slow part, so tests share <see cref="Shared"/>; it is never mutated. Create a separate
/// instance only to get a second, unrelated PKI. All times are explicit: nothing here reads the clock.
/// </remarks>
public sealed class TestPki : IDisposable
{
    public const string TeamId = "ABCDE12345";
    public const string TeamName = "Example Corp";
    public const string DistributionSubject = "CN=iPhone Distribution: Example Corp (ABCDE12345), OU=ABCDE12345, O=Example Corp, C=US";
    public const string DevelopmentSubject = "CN=iPhone Developer: Jane Appleseed (QWERTY1234), OU=ABCDE12345, O=Example Corp, C=US";

    /// <summary>Apple's certificate-type extensions (DOMAIN §5.8); Apple marks the leaf ones critical.</summary>
    public const string DevelopmentExtensionOid = "1.2.840.113635.100.6.1.2";
    public const string DistributionExtensionOid = "1.2.840.113635.100.6.1.4";
    public const string WwdrIntermediateExtensionOid = "1.2.840.113635.100.6.2.1";
    public const string ProfileSigningExtensionOid = "1.2.840.113635.100.6.2.2.1";

    public const string CodeSigningUsageOid = "1.3.6.1.5.5.7.3.3";
    public const string CdHashesAttributeOid = "1.2.840.113635.100.9.1";

    /// <summary>Validity of the CA certificates and of the default leaves.</summary>
    public static readonly DateTimeOffset ValidFrom = new(2010, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset ValidUntil = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<TestPki> SharedPki = new(() => Create());

    private TestPki(X509Certificate2 root, X509Certificate2 intermediate, X509Certificate2 profileSigner, X509Certificate2 distribution)
    {
        Root = root;
        Intermediate = intermediate;
        ProfileSigner = profileSigner;
        Distribution = distribution;
    }

    /// <summary>One PKI for the whole test run.</summary>
    public static TestPki Shared => SharedPki.Value;

    /// <summary>The self-signed root, with its private key (tests may issue from it).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The intermediate every leaf is issued by, like Apple's WWDR CA.</summary>
    public X509Certificate2 Intermediate { get; }

    /// <summary>The leaf that signs profiles, like "Apple iPhone OS Provisioning Profile Signing".</summary>
    public X509Certificate2 ProfileSigner { get; }

    /// <summary>
    /// <see cref="DistributionSubject"/>: the distribution extension (critical, as Apple has it), code-signing
    /// EKU, valid <see cref="ValidFrom"/> to <see cref="ValidUntil"/>.
    /// </summary>
    public X509Certificate2 Distribution { get; }

    /// <summary>Apple's roots plus this PKI's root, as <c>Scanner:TrustedRoots</c> would configure it.</summary>
    public TrustRoots TrustRoots => TrustRoots.Apple.With([Root]);

    /// <summary>A new PKI with fresh RSA keys.</summary>
    public static TestPki Create(string rootName = "CN=MasqueDashboard Test Root CA, O=MasqueDashboard Tests, C=US")
    {
        var root = CreateRoot(rootName);
        var intermediate = Issue(
            root,
            "CN=MasqueDashboard Test WWDR CA, OU=MasqueDashboard Tests, O=MasqueDashboard Tests, C=US",
            ValidFrom,
            ValidUntil,
            request =>
            {
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(AppleMarker(WwdrIntermediateExtensionOid, critical: false));
            });
        var profileSigner = Issue(
            intermediate,
            "CN=MasqueDashboard Test Provisioning Profile Signing, O=MasqueDashboard Tests, C=US",
            ValidFrom,
            ValidUntil,
            request =>
            {
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                request.CertificateExtensions.Add(AppleMarker(ProfileSigningExtensionOid, critical: false));
            });
        return new TestPki(root, intermediate, profileSigner, CreateLeaf(intermediate, ValidFrom, ValidUntil, DistributionSubject, DistributionExtensionOid, null));
    }

    /// <summary>
    /// A code-signing leaf issued by <see cref="Intermediate"/>, shaped like Apple's: critical basic constraints,
    /// key usage and EKU, and the critical Apple extension <paramref name="appleExtensionOid"/>.
    /// </summary>
    /// <param name="extendedKeyUsage">The EKU OIDs; code signing by default.</param>
    public X509Certificate2 IssueLeaf(
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        string subject = DistributionSubject,
        string appleExtensionOid = DistributionExtensionOid,
        IEnumerable<string>? extendedKeyUsage = null) =>
        CreateLeaf(Intermediate, notBefore, notAfter, subject, appleExtensionOid, extendedKeyUsage);

    /// <summary>
    /// <paramref name="profile"/> as XML inside a DER CMS SignedData, as Apple ships <c>embedded.mobileprovision</c>:
    /// the signer and the intermediate in the certificate set (not the root), SHA-256.
    /// </summary>
    /// <param name="signingTime">The signingTime attribute (Apple sets it to the CreationDate); null leaves it out.</param>
    /// <param name="signer">A leaf with its private key; <see cref="ProfileSigner"/> when null.</param>
    public byte[] SignProfile(PlistDictionary profile, DateTimeOffset? signingTime, X509Certificate2? signer = null) =>
        SignContent(PlistWriter.ToXml(profile), signingTime, signer ?? ProfileSigner);

    /// <summary>
    /// A detached CMS over <paramref name="codeDirectory"/>, the blob that goes in a code signature at index
    /// 0x10000 (without its 0xFADE0B01 wrapper): signingTime and the cdhashes plist attribute of DOMAIN §5.8.
    /// </summary>
    /// <param name="cdHashes">The 20-byte cdhashes to list; null leaves the attribute out.</param>
    /// <param name="signer">A leaf with its private key; <see cref="Distribution"/> when null.</param>
    public byte[] SignCodeDirectory(
        ReadOnlySpan<byte> codeDirectory,
        IReadOnlyList<byte[]>? cdHashes,
        DateTimeOffset? signingTime,
        X509Certificate2? signer = null)
    {
        var attributes = new List<AsnEncodedData>();
        if (cdHashes is not null)
        {
            attributes.Add(CdHashesAttribute(cdHashes));
        }

        return SignContent(codeDirectory.ToArray(), signingTime, signer ?? Distribution, detached: true, attributes);
    }

    /// <summary>
    /// A CMS SignedData over <paramref name="content"/> with the signer and <see cref="Intermediate"/> in its
    /// certificate set. With no signingTime and no <paramref name="extraSignedAttributes"/> it has no signed
    /// attributes at all (the signature is then over the content itself).
    /// </summary>
    public byte[] SignContent(
        byte[] content,
        DateTimeOffset? signingTime,
        X509Certificate2 signer,
        bool detached = false,
        IEnumerable<AsnEncodedData>? extraSignedAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(signer);
        var cms = new SignedCms(new ContentInfo(content), detached);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            IncludeOption = X509IncludeOption.EndCertOnly,
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
        };
        cmsSigner.Certificates.Add(Intermediate);
        if (signingTime is { } time)
        {
            cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(time.UtcDateTime));
        }

        foreach (var attribute in extraSignedAttributes ?? [])
        {
            cmsSigner.SignedAttributes.Add(attribute);
        }

        cms.ComputeSignature(cmsSigner);
        return cms.Encode();
    }

    /// <summary>The cdhashes signed attribute: an OCTET STRING holding the XML plist <c>{ cdhashes: [data…] }</c>.</summary>
    public static AsnEncodedData CdHashesAttribute(IEnumerable<byte[]> cdHashes)
    {
        ArgumentNullException.ThrowIfNull(cdHashes);
        var plist = new PlistDictionary([new("cdhashes", new PlistArray(cdHashes.Select(hash => new PlistData(hash))))]);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(PlistWriter.ToXml(plist));
        return new AsnEncodedData(new Oid(CdHashesAttributeOid), writer.Encode());
    }

    /// <summary>
    /// <paramref name="cms"/> with the one occurrence of <paramref name="original"/> (UTF-8) replaced by
    /// <paramref name="replacement"/> of the same length: content edited after signing, the DER still well formed.
    /// </summary>
    public static byte[] ReplaceOnce(byte[] cms, string original, string replacement)
    {
        ArgumentNullException.ThrowIfNull(cms);
        var from = System.Text.Encoding.UTF8.GetBytes(original);
        var to = System.Text.Encoding.UTF8.GetBytes(replacement);
        if (from.Length != to.Length)
        {
            throw new ArgumentException("The replacement must keep the length, or the DER lengths break.", nameof(replacement));
        }

        var at = cms.AsSpan().IndexOf(from);
        if (at < 0 || cms.AsSpan(at + 1).IndexOf(from) >= 0)
        {
            throw new ArgumentException($"'{original}' must occur exactly once.", nameof(original));
        }

        var copy = (byte[])cms.Clone();
        to.CopyTo(copy, at);
        return copy;
    }

    /// <summary>The certificate's public part only, as a trust store or a profile holds it.</summary>
    public static X509Certificate2 PublicOnly(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        ProfileSigner.Dispose();
        Distribution.Dispose();
    }

    private static X509Certificate2 CreateRoot(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(ValidFrom.AddYears(-1), ValidUntil.AddYears(1));
    }

    private static X509Certificate2 CreateLeaf(
        X509Certificate2 intermediate,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        string subject,
        string appleExtensionOid,
        IEnumerable<string>? extendedKeyUsage) =>
        Issue(
            intermediate,
            subject,
            notBefore,
            notAfter,
            request =>
            {
                var usages = new OidCollection();
                foreach (var usage in extendedKeyUsage ?? [CodeSigningUsageOid])
                {
                    usages.Add(new Oid(usage));
                }

                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, true));
                request.CertificateExtensions.Add(AppleMarker(appleExtensionOid, critical: true));
            });

    private static X509Certificate2 Issue(
        X509Certificate2 issuer,
        string subject,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        Action<CertificateRequest> configure)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        configure(request);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(issuer, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Apple's type markers are extensions whose value is an ASN.1 NULL.</summary>
    private static X509Extension AppleMarker(string oid, bool critical) => new(new Oid(oid), [0x05, 0x00], critical);
}
