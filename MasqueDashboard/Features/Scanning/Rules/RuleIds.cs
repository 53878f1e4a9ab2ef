namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>The scanner's rule ids (PRODUCT.md §4). Public API: SARIF, exports, SIEM searches and CI pipelines match on them.</summary>
public static class RuleIds
{
    public const string MasqueBundleHijack = "MASQUE-BUNDLE-HIJACK";
    public const string MasqueUrlSchemeHijack = "MASQUE-URL-SCHEME-HIJACK";
    public const string MasqueExtensionHijack = "MASQUE-EXTENSION-HIJACK";
    public const string SignerRevoked = "SIGNER-REVOKED";
    public const string SignerUntrustedEnterprise = "SIGNER-UNTRUSTED-ENTERPRISE";
    public const string KnownMalwareHash = "KNOWN-MALWARE-HASH";
    public const string CodesignMissing = "CODESIGN-MISSING";
    public const string CodesignTeamMismatch = "CODESIGN-TEAM-MISMATCH";
    public const string CodesignIdentifierMismatch = "CODESIGN-IDENTIFIER-MISMATCH";
    public const string ProfileSignatureInvalid = "PROFILE-SIGNATURE-INVALID";
    public const string ProfileUntrustedSigner = "PROFILE-UNTRUSTED-SIGNER";
    public const string CodesignUntrustedSigner = "CODESIGN-UNTRUSTED-SIGNER";
    public const string ProfileExpired = "PROFILE-EXPIRED";
    public const string ProfileDebuggable = "PROFILE-DEBUGGABLE";
    public const string AtsArbitraryLoads = "ATS-ARBITRARY-LOADS";
    public const string BinaryNotPie = "BINARY-NOT-PIE";
    public const string BinaryNoStackCanary = "BINARY-NO-STACK-CANARY";
    public const string PackageInvalid = "PACKAGE-INVALID";
    public const string PackageUnsafe = "PACKAGE-UNSAFE";
    public const string ScanStageLimit = "SCAN-STAGE-LIMIT";
}
