using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// The certificates a signer chain may end at (PRODUCT §4 "Trust roots"): Apple's public roots, which the
/// product ships, plus any a deployment adds from <c>Scanner:TrustedRoots</c> for test PKIs and labs. Added
/// roots never replace Apple's. Instances are immutable and safe to share between scans.
/// </summary>
public sealed class TrustRoots
{
    /// <summary>
    /// The embedded roots and the SHA-256 each must have (checked with
    /// <c>openssl x509 -noout -fingerprint -sha256</c> against Apple's published values): a swapped or
    /// corrupted resource fails loudly instead of quietly trusting someone else.
    /// </summary>
    private static readonly (string File, string Sha256)[] AppleRootFiles =
    [
        ("apple-root-ca-2006.pem", "b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024"),
        ("apple-root-certificate-authority-2005.pem", "0d83b611b648a1a75eb8558400795375cad92e264ed8e9d7a757c1f5ee2bb22d"),
    ];

    private const string ResourcePrefix = "MasqueDashboard.Features.Scanning.Provisioning.AppleRoots.";

    private static readonly Lazy<TrustRoots> AppleRoots = new(LoadApple);

    private readonly byte[][] _certificates;

    private TrustRoots(byte[][] certificates)
    {
        _certificates = certificates;
        Sha256Fingerprints = [.. certificates.Select(der => Convert.ToHexStringLower(SHA256.HashData(der)))];
    }

    /// <summary>Apple Root CA (2006) and Apple Root Certificate Authority (2005), from embedded resources.</summary>
    /// <exception cref="InvalidOperationException">An embedded root is missing or is not the certificate it should be.</exception>
    public static TrustRoots Apple => AppleRoots.Value;

    /// <summary>Lower-case hex SHA-256 of each root, in the order they were added.</summary>
    public IReadOnlyList<string> Sha256Fingerprints { get; }

    /// <summary>
    /// A new collection of new certificate objects on every call, so a caller that disposes or edits it
    /// cannot change the roots other scans use.
    /// </summary>
    public X509Certificate2Collection Certificates
    {
        get
        {
            var collection = new X509Certificate2Collection();
            foreach (var der in _certificates)
            {
                collection.Add(X509CertificateLoader.LoadCertificate(der));
            }

            return collection;
        }
    }

    /// <summary>These roots and <paramref name="extra"/> (only their public certificates are kept).</summary>
    public TrustRoots With(IEnumerable<X509Certificate2> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var certificates = new List<byte[]>(_certificates);
        var seen = new HashSet<string>(Sha256Fingerprints, StringComparer.Ordinal);
        foreach (var certificate in extra)
        {
            ArgumentNullException.ThrowIfNull(certificate, nameof(extra));
            var der = certificate.RawData;
            if (seen.Add(Convert.ToHexStringLower(SHA256.HashData(der))))
            {
                certificates.Add(der);
            }
        }

        return new TrustRoots([.. certificates]);
    }

    /// <summary>Apple's roots plus every certificate in the given PEM or DER files.</summary>
    /// <exception cref="InvalidOperationException">A file cannot be read or holds no certificate; the message names it.</exception>
    public static TrustRoots FromFiles(IEnumerable<string> pemOrDerPaths)
    {
        ArgumentNullException.ThrowIfNull(pemOrDerPaths);
        var extra = new List<X509Certificate2>();
        try
        {
            foreach (var path in pemOrDerPaths)
            {
                extra.AddRange(LoadFile(path));
            }

            return Apple.With(extra);
        }
        finally
        {
            foreach (var certificate in extra)
            {
                certificate.Dispose();
            }
        }
    }

    private static List<X509Certificate2> LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"Trusted root file '{path}' cannot be read: {exception.Message}", exception);
        }

        try
        {
            var certificates = LooksLikePem(bytes) ? LoadPem(Encoding.ASCII.GetString(bytes)) : [X509CertificateLoader.LoadCertificate(bytes)];
            if (certificates.Count == 0)
            {
                throw new InvalidOperationException($"Trusted root file '{path}' holds no PEM CERTIFICATE block.");
            }

            return certificates;
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            throw new InvalidOperationException(
                $"Trusted root file '{path}' is neither a PEM nor a DER X.509 certificate: {exception.Message}", exception);
        }
    }

    private static bool LooksLikePem(byte[] bytes) => bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0;

    private static List<X509Certificate2> LoadPem(string pem)
    {
        var certificates = new List<X509Certificate2>();
        var remaining = pem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(remaining[fields.Base64Data].ToString())));
            }

            remaining = remaining[fields.Location.End..];
        }

        return certificates;
    }

    private static TrustRoots LoadApple()
    {
        var assembly = typeof(TrustRoots).Assembly;
        var roots = new List<byte[]>();
        foreach (var (file, expected) in AppleRootFiles)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + file)
                ?? throw new InvalidOperationException($"The embedded Apple root '{file}' is missing from {assembly.GetName().Name}.");
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var pem = reader.ReadToEnd();
            if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != "CERTIFICATE")
            {
                throw new InvalidOperationException($"The embedded Apple root '{file}' holds no PEM certificate.");
            }

            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            var actual = Convert.ToHexStringLower(SHA256.HashData(der));
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The embedded Apple root '{file}' has SHA-256 {actual}, not Apple's {expected}: the file was replaced.");
            }

            roots.Add(der);
        }

        return new TrustRoots([.. roots]);
    }
}
