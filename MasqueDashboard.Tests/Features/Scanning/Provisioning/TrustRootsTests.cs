using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Provisioning;

public sealed class TrustRootsTests : IDisposable
{
    // Apple's published SHA-256 fingerprints, written here independently of the product's copy: a swapped
    // resource, or a product constant edited to match one, fails this test.
    private const string AppleRootCa2006 = "b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024";
    private const string AppleRootCertificateAuthority2005 = "0d83b611b648a1a75eb8558400795375cad92e264ed8e9d7a757c1f5ee2bb22d";

    private readonly string _folder = Directory.CreateTempSubdirectory("masque-roots-").FullName;

    [Fact]
    public void Apple_roots_are_the_two_embedded_certificates_with_Apples_published_fingerprints()
    {
        var certificates = TrustRoots.Apple.Certificates;

        Assert.Equal([AppleRootCa2006, AppleRootCertificateAuthority2005], certificates.Select(Sha256));
        Assert.Equal([AppleRootCa2006, AppleRootCertificateAuthority2005], TrustRoots.Apple.Sha256Fingerprints);
        Assert.Equal(
            ["CN=Apple Root CA, OU=Apple Certification Authority, O=Apple Inc., C=US",
             "CN=Apple Root Certificate Authority, OU=Apple Computer Certificate Authority, O=\"Apple Computer, Inc.\", C=US"],
            certificates.Select(certificate => certificate.Subject));
    }

    [SkippableFact]
    public void Embedded_roots_are_byte_for_byte_the_shared_fixture_roots()
    {
        var folder = Path.Combine(SharedFixtures.RequireRoot(), "apple-roots");
        var fixtures = new[] { "apple-root-ca-2006.pem", "apple-root-certificate-authority-2005.pem" }
            .Select(file => Sha256(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, file)))));

        Assert.Equal(fixtures, TrustRoots.Apple.Sha256Fingerprints);
    }

    [Fact]
    public void With_adds_a_root_and_keeps_Apples()
    {
        var roots = TrustRoots.Apple.With([TestPki.Shared.Root]);

        Assert.Equal([AppleRootCa2006, AppleRootCertificateAuthority2005, Sha256(TestPki.Shared.Root)], roots.Sha256Fingerprints);
        Assert.Equal(2, TrustRoots.Apple.Sha256Fingerprints.Count);
    }

    [Fact]
    public void With_keeps_only_the_public_certificate_and_counts_a_repeated_one_once()
    {
        var roots = TrustRoots.Apple.With([TestPki.Shared.Root, TestPki.PublicOnly(TestPki.Shared.Root)]);

        Assert.Equal(3, roots.Sha256Fingerprints.Count);
        Assert.All(roots.Certificates, certificate => Assert.False(certificate.HasPrivateKey));
    }

    [Fact]
    public void Certificates_hands_out_copies_that_a_caller_may_dispose()
    {
        foreach (var certificate in TrustRoots.Apple.Certificates)
        {
            certificate.Dispose();
        }

        Assert.Equal([AppleRootCa2006, AppleRootCertificateAuthority2005], TrustRoots.Apple.Certificates.Select(Sha256));
    }

    [Fact]
    public void FromFiles_reads_PEM_and_DER_files_and_keeps_Apples_roots()
    {
        var other = TestPki.Create("CN=Second Test Root");
        var pem = Write("lab-root.pem", System.Text.Encoding.ASCII.GetBytes(TestPki.Shared.Root.ExportCertificatePem()));
        var der = Write("other-root.cer", other.Root.RawData);

        var roots = TrustRoots.FromFiles([pem, der]);

        Assert.Equal(
            [AppleRootCa2006, AppleRootCertificateAuthority2005, Sha256(TestPki.Shared.Root), Sha256(other.Root)],
            roots.Sha256Fingerprints);
        other.Dispose();
    }

    [Fact]
    public void FromFiles_reads_every_certificate_of_a_PEM_bundle()
    {
        var bundle = TestPki.Shared.Root.ExportCertificatePem() + "\n" + TestPki.Shared.Intermediate.ExportCertificatePem();
        var path = Write("bundle.pem", System.Text.Encoding.ASCII.GetBytes(bundle));

        Assert.Equal(4, TrustRoots.FromFiles([path]).Sha256Fingerprints.Count);
    }

    [Fact]
    public void FromFiles_names_a_missing_file()
    {
        var path = Path.Combine(_folder, "absent.pem");

        var error = Assert.Throws<InvalidOperationException>(() => TrustRoots.FromFiles([path]));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFiles_names_a_file_that_is_not_a_certificate()
    {
        var path = Write("notes.txt", "not a certificate"u8.ToArray());

        var error = Assert.Throws<InvalidOperationException>(() => TrustRoots.FromFiles([path]));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsType<CryptographicException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void FromFiles_names_a_PEM_file_that_holds_no_certificate()
    {
        using var key = RSA.Create(2048);
        var path = Write("key.pem", System.Text.Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem()));

        var error = Assert.Throws<InvalidOperationException>(() => TrustRoots.FromFiles([path]));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("no PEM CERTIFICATE", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Sha256(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
