using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// The facts the scanner keeps about one certificate: fingerprints (lower-case hex of the DER bytes), the
/// subject in RFC 2253 form (most specific name first, as <c>openssl -nameopt RFC2253</c> prints it, so it
/// reads the same on every platform), and the names Apple's identities live in (DOMAIN §5.8).
/// </summary>
public sealed record SigningCertificate(
    string Sha1,
    string Sha256,
    string Subject,
    string? CommonName,
    string? OrganizationalUnit,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter)
{
    /// <summary>
    /// The subject's OU when it has the shape of an Apple Team ID (10 characters, A–Z and 0–9), which is
    /// where Apple's developer and distribution certificates carry it (DOMAIN §5.8); otherwise null.
    /// </summary>
    public string? TeamId =>
        OrganizationalUnit is { Length: 10 } ou && ou.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')) ? ou : null;

    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// A field .NET decodes lazily (a validity date, say) is malformed: possible for a certificate taken from
    /// hostile bytes, which callers report as a problem.
    /// </exception>
    public static SigningCertificate From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var der = certificate.RawDataMemory.Span;
        var name = DistinguishedName.Read(certificate.SubjectName);
        return new SigningCertificate(
            Convert.ToHexStringLower(SHA1.HashData(der)),
            Convert.ToHexStringLower(SHA256.HashData(der)),
            name.Rfc2253,
            name.First(DistinguishedName.CommonNameOid),
            name.First(DistinguishedName.OrganizationalUnitOid),
            new DateTimeOffset(certificate.NotBefore).ToUniversalTime(),
            new DateTimeOffset(certificate.NotAfter).ToUniversalTime());
    }

    /// <summary>True when <paramref name="instant"/> lies within the certificate's validity period.</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= NotBefore && instant <= NotAfter;
}
