namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// What a CMS signature proves. The three verdicts are independent, so a finding can say which one failed:
/// <paramref name="SignatureValid"/> is the maths over the content (what <c>openssl cms -verify -noverify</c>
/// checks), <paramref name="ChainTrusted"/> is whether the signer's certificate chains to a trusted root at
/// the signing time, judged even when the signature fails (an edited Apple profile still carries Apple's
/// chain). Only <see cref="IsTrusted"/> says the signed bytes come from the holder of a trusted identity.
/// </summary>
/// <param name="IsSigned">False for a bare plist profile and for ad hoc code (no CMS at all).</param>
/// <param name="SigningTime">The CMS signingTime attribute; null when absent.</param>
/// <param name="Problems">Readable reasons, one per failed check; empty when everything holds.</param>
public sealed record SignerVerification(
    bool IsSigned,
    bool SignatureValid,
    bool ChainTrusted,
    SigningCertificate? Signer,
    IReadOnlyList<SigningCertificate> Chain,
    DateTimeOffset? SigningTime,
    IReadOnlyList<string> Problems)
{
    public bool IsTrusted => IsSigned && SignatureValid && ChainTrusted;

    internal static SignerVerification Unsigned(string reason) =>
        new(IsSigned: false, SignatureValid: false, ChainTrusted: false, Signer: null, Chain: [], SigningTime: null, Problems: [reason]);

    internal static SignerVerification Broken(string reason) =>
        new(IsSigned: true, SignatureValid: false, ChainTrusted: false, Signer: null, Chain: [], SigningTime: null, Problems: [reason]);
}
