using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// The checks a profile's CMS and a code signature's CMS share: the signature over the content, the signing
/// time, and the signer's chain to the trusted roots at that time, offline (PRODUCT §4 "Trust roots").
/// </summary>
internal static class CmsSignerJudge
{
    public const string IdData = "1.2.840.113549.1.7.1";
    private const string SigningTimeOid = "1.2.840.113549.1.9.5";
    private const string CodeSigningUsage = "1.3.6.1.5.5.7.3.3";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";

    /// <summary>
    /// Apple marks its own certificate-type extensions critical (<c>1.2.840.113635.100.6.1.4</c> on every
    /// distribution certificate, DOMAIN §5.8). OpenSSL does not know them and flags the chain; Apple's own
    /// verifier does know them, so they count as understood. Any other unknown critical extension still fails.
    /// </summary>
    private const string AppleCertificateExtensionPrefix = "1.2.840.113635.100.6.";

    /// <summary>The RFC 5280 §4.2 extensions the chain engine processes, so a critical one never counts as unknown.</summary>
    private static readonly HashSet<string> UnderstoodExtensions = new(StringComparer.Ordinal)
    {
        "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.18", "2.5.29.19", "2.5.29.30", "2.5.29.31",
        "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54", "1.3.6.1.5.5.7.1.1",
    };

    /// <summary>Judges the first signer of <paramref name="cms"/>; every signer's signature must verify.</summary>
    /// <param name="fallbackTime">When the CMS has no signingTime: the time to judge the chain at, and what that time is.</param>
    /// <param name="problems">Problems found so far by the caller; the judge adds its own.</param>
    /// <param name="inspectSigner">Further checks of the first signer's attributes, adding to the problems.</param>
    public static SignerVerification Judge(
        SignedCms cms,
        TrustRoots roots,
        (DateTimeOffset Time, string Description)? fallbackTime,
        TimeProvider clock,
        bool forCodeSigning,
        List<string> problems,
        Action<SignerInfo>? inspectSigner = null)
    {
        // .NET decodes the signer infos, and their signed attributes, on first access rather than in Decode.
        var signers = Decode(() => cms.SignerInfos, "The CMS signer information", problems);
        if (signers is null)
        {
            return new SignerVerification(true, false, false, null, [], null, problems);
        }

        if (signers.Count == 0)
        {
            problems.Add("The CMS SignedData holds no signer.");
            return new SignerVerification(true, false, false, null, [], null, problems);
        }

        if (signers.Count > 1)
        {
            problems.Add($"The CMS SignedData holds {signers.Count} signers where Apple writes one; the first is judged.");
        }

        var signer = signers[0];
        var signatureValid = CheckSignature(cms, problems);
        var signingTime = ReadSigningTime(signer, problems);
        inspectSigner?.Invoke(signer);

        // The certificates are decoded only now, from attacker bytes: a malformed one is a problem, not a crash.
        // The leaf belongs to the SignerInfo, which caches it, so it is not disposed here.
        var before = problems.Count;
        var leaf = Decode<X509Certificate2>(() => signer.Certificate, "The signer's certificate", problems);
        if (leaf is null && problems.Count == before)
        {
            problems.Add("The signer's certificate is not in the CMS certificate set.");
        }

        var leafFacts = leaf is null ? null : Describe(leaf, "The signer's certificate", problems);
        if (leaf is null || leafFacts is null)
        {
            return new SignerVerification(true, signatureValid, false, null, [], signingTime, problems);
        }

        DateTimeOffset judgedAt;
        if (signingTime is { } signed)
        {
            judgedAt = signed;
        }
        else if (fallbackTime is { } fallback)
        {
            judgedAt = fallback.Time;
            problems.Add($"The CMS has no signingTime attribute: the chain is judged at {fallback.Description} ({Format(judgedAt)}).");
        }
        else
        {
            judgedAt = clock.GetUtcNow();
            problems.Add($"The CMS has no signingTime attribute: the chain is judged at the time of the scan ({Format(judgedAt)}).");
        }

        var certificateSet = Decode(() => cms.Certificates, "The CMS certificate set", problems) ?? [];
        try
        {
            var (trusted, chain) = BuildChain(leaf, certificateSet, roots, judgedAt, problems);
            if (forCodeSigning && CodeSigningProblem(leaf) is { } problem)
            {
                problems.Add(problem);
                trusted = false;
            }

            return new SignerVerification(true, signatureValid, trusted, leafFacts, chain, signingTime, problems);
        }
        finally
        {
            DisposeAll(certificateSet);
        }
    }

    /// <summary>
    /// The values of one signed attribute; null, with a problem, when the attributes do not decode (.NET
    /// decodes the well-known ones, such as signingTime, on access).
    /// </summary>
    public static List<AsnEncodedData>? SignedAttributeValues(SignerInfo signer, string oid, string name, List<string> problems)
    {
        try
        {
            return signer.SignedAttributes.Cast<CryptographicAttributeObject>()
                .Where(attribute => attribute.Oid.Value == oid)
                .SelectMany(attribute => attribute.Values.Cast<AsnEncodedData>())
                .ToList();
        }
        catch (CryptographicException exception)
        {
            problems.Add($"The CMS signed attributes do not decode, so {name} cannot be read: {exception.Message}");
            return null;
        }
    }

    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    private static bool CheckSignature(SignedCms cms, List<string> problems)
    {
        try
        {
            // Signature and messageDigest only: the chain is judged below, at the signing time, and key usage
            // is not what openssl's -noverify (the fixtures' reference) checks either.
            cms.CheckSignature(verifySignatureOnly: true);
            return true;
        }
        catch (CryptographicException exception)
        {
            problems.Add($"The CMS signature does not verify: {exception.Message}");
            return false;
        }
    }

    private static T? Decode<T>(Func<T?> read, string what, List<string> problems)
        where T : class
    {
        try
        {
            return read();
        }
        catch (CryptographicException exception)
        {
            problems.Add($"{what} does not decode: {exception.Message}");
            return null;
        }
    }

    private static SigningCertificate? Describe(X509Certificate2 certificate, string what, List<string> problems) =>
        Decode(() => SigningCertificate.From(certificate), what, problems);

    private static DateTimeOffset? ReadSigningTime(SignerInfo signer, List<string> problems)
    {
        var values = SignedAttributeValues(signer, SigningTimeOid, "the signingTime", problems);
        if (values is null || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            problems.Add("The CMS carries more than one signingTime; none is used.");
            return null;
        }

        var der = values[0].RawData;
        try
        {
            var tag = Asn1Tag.Decode(der, out _);
            DateTimeOffset time;
            int consumed;
            if (tag.HasSameClassAndValue(Asn1Tag.UtcTime))
            {
                time = AsnDecoder.ReadUtcTime(der, AsnEncodingRules.DER, out consumed);
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime))
            {
                time = AsnDecoder.ReadGeneralizedTime(der, AsnEncodingRules.DER, out consumed);
            }
            else
            {
                problems.Add($"The CMS signingTime is a {tag}, not a UTCTime or GeneralizedTime; it is not used.");
                return null;
            }

            if (consumed != der.Length)
            {
                problems.Add("The CMS signingTime has trailing bytes; it is not used.");
                return null;
            }

            return time.ToUniversalTime();
        }
        catch (AsnContentException exception)
        {
            problems.Add($"The CMS signingTime does not decode ({exception.Message}); it is not used.");
            return null;
        }
    }

    private static (bool Trusted, IReadOnlyList<SigningCertificate> Chain) BuildChain(
        X509Certificate2 leaf,
        X509Certificate2Collection certificateSet,
        TrustRoots roots,
        DateTimeOffset judgedAt,
        List<string> problems)
    {
        var anchors = roots.Certificates;
        using var chain = new X509Chain();
        try
        {
            var policy = chain.ChainPolicy;
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(anchors);
            policy.ExtraStore.AddRange(certificateSet);
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.DisableCertificateDownloads = true;
            policy.VerificationTimeIgnored = false;
            policy.VerificationTime = judgedAt.UtcDateTime;

            bool built;
            try
            {
                built = chain.Build(leaf);
            }
            catch (CryptographicException exception)
            {
                problems.Add($"The signer's chain cannot be built: {exception.Message}");
                return (false, []);
            }

            var elements = new List<SigningCertificate>(chain.ChainElements.Count);
            var failed = false;
            var reported = X509ChainStatusFlags.NoError;
            foreach (var element in chain.ChainElements)
            {
                if (Describe(element.Certificate, "A certificate of the signer's chain", problems) is not { } certificate)
                {
                    failed = true;
                    continue;
                }

                elements.Add(certificate);
                foreach (var status in element.ChainElementStatus)
                {
                    reported |= status.Status;
                    if (IsTolerated(status.Status, element.Certificate))
                    {
                        continue;
                    }

                    failed = true;
                    problems.Add(Explain(certificate, status, judgedAt));
                }
            }

            foreach (var status in chain.ChainStatus)
            {
                if ((reported & status.Status) == status.Status)
                {
                    continue;
                }

                failed = true;
                problems.Add($"Chain: {status.Status}: {status.StatusInformation.Trim()}");
            }

            var endsAtAnchor = chain.ChainElements.Count > 0
                && anchors.Any(anchor => anchor.RawDataMemory.Span.SequenceEqual(chain.ChainElements[^1].Certificate.RawDataMemory.Span));
            // Build() is false when the only complaint is Apple's critical marker, which IsTolerated accepted.
            var trusted = !failed && (built || endsAtAnchor);
            if (!trusted && !failed)
            {
                problems.Add("The signer's certificate does not chain to a trusted root.");
            }

            return (trusted, elements);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }

            DisposeAll(anchors);
        }
    }

    private static bool IsTolerated(X509ChainStatusFlags status, X509Certificate2 certificate)
    {
        if (status == X509ChainStatusFlags.NoError)
        {
            return true;
        }

        if (status != X509ChainStatusFlags.HasNotSupportedCriticalExtension)
        {
            return false;
        }

        try
        {
            return certificate.Extensions
                .Where(extension => extension.Critical && !UnderstoodExtensions.Contains(extension.Oid?.Value ?? ""))
                .All(extension => extension.Oid?.Value?.StartsWith(AppleCertificateExtensionPrefix, StringComparison.Ordinal) == true);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Explain(SigningCertificate certificate, X509ChainStatus status, DateTimeOffset judgedAt)
    {
        var who = certificate.CommonName ?? certificate.Subject;
        var detail = status.StatusInformation.Trim();
        return status.Status == X509ChainStatusFlags.NotTimeValid
            ? $"{who}: {status.Status}: valid {Format(certificate.NotBefore)} to {Format(certificate.NotAfter)}, judged at {Format(judgedAt)}"
            : $"{who}: {status.Status}: {detail}";
    }

    private static string? CodeSigningProblem(X509Certificate2 leaf)
    {
        try
        {
            // No EKU extension at all means no restriction (RFC 5280 §4.2.1.12).
            var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
            return usages is null || usages.EnhancedKeyUsages.Cast<Oid>().Any(usage => usage.Value is CodeSigningUsage or AnyExtendedKeyUsage)
                ? null
                : "The signer's certificate has an extended key usage without code signing.";
        }
        catch (CryptographicException exception)
        {
            return $"The signer's certificate extensions do not decode: {exception.Message}";
        }
    }
}
