namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>What a rule is about, how severe its findings are, and what to do about them.</summary>
public sealed record RuleDefinition(string Id, Severity Severity, string Title, string Description, string Remediation)
{
    /// <summary>A finding of this rule with the given evidence (and the file inside the package it is about).</summary>
    public Finding Finding(string evidence, string? path = null) => new(Id, Severity, Title, evidence, Remediation) { Path = path };
}

/// <summary>Every rule the built-in scanner knows (PRODUCT.md §4), for findings, reports and SARIF.</summary>
public static class RuleDefinitions
{
    public static readonly RuleDefinition MasqueBundleHijack = new(RuleIds.MasqueBundleHijack, Severity.Critical,
        "Bundle id of a catalog app, signed by another team",
        "The package carries the bundle identifier of a published catalog app but is signed by a different team: the Masque Attack pattern, where an impostor replaces the genuine app and reads its data.",
        "Do not approve. Find out who built and distributed this package; if a device has it, remove it and revoke the signing certificate.");

    public static readonly RuleDefinition MasqueUrlSchemeHijack = new(RuleIds.MasqueUrlSchemeHijack, Severity.High,
        "URL scheme already claimed by another catalog app",
        "The app declares a URL scheme that a published catalog app with another bundle id already handles (Masque II): it can intercept links and callbacks meant for that app.",
        "Remove the scheme from CFBundleURLTypes, or confirm with the owner of the catalog app that sharing it is intended.");

    public static readonly RuleDefinition MasqueExtensionHijack = new(RuleIds.MasqueExtensionHijack, Severity.High,
        "App extension impersonates another app's extension",
        "An extension's bundle id belongs to a catalog app of another team, or is not prefixed by its host app's bundle id: extension and plugin hijacking.",
        "Extensions must be named <host bundle id>.<name> and signed by the host app's team; rebuild the extension accordingly.");

    public static readonly RuleDefinition SignerRevoked = new(RuleIds.SignerRevoked, Severity.Critical,
        "Signed with a revoked certificate",
        "A certificate that signed this package is on the organisation's revoked list.",
        "Do not approve. Rebuild and sign with a current, trusted certificate.");

    public static readonly RuleDefinition SignerUntrustedEnterprise = new(RuleIds.SignerUntrustedEnterprise, Severity.High,
        "Enterprise profile from an untrusted team",
        "The package is distributed In-House (ProvisionsAllDevices) by a team that is not one of the organisation's trusted signers: anyone with an enterprise certificate can sign such an app.",
        "Approve only if the team is a known partner, and add it to the trusted signers first.");

    public static readonly RuleDefinition KnownMalwareHash = new(RuleIds.KnownMalwareHash, Severity.Critical,
        "Known malicious package or binary",
        "The SHA-256 of the package or of its main executable is on the known-bad list.",
        "Do not approve. Treat any device that has it as compromised.");

    public static readonly RuleDefinition CodesignMissing = new(RuleIds.CodesignMissing, Severity.High,
        "Main executable is not code-signed",
        "The main executable has no LC_CODE_SIGNATURE: iOS will not run it unmodified, and nothing ties it to a developer.",
        "Sign the app with the organisation's distribution certificate.");

    public static readonly RuleDefinition CodesignTeamMismatch = new(RuleIds.CodesignTeamMismatch, Severity.High,
        "Code signature team differs from the profile's team",
        "The CodeDirectory's team id is not the provisioning profile's TeamIdentifier: the package was re-signed or assembled from parts.",
        "Re-sign the whole package with one team's certificate and profile.");

    public static readonly RuleDefinition CodesignIdentifierMismatch = new(RuleIds.CodesignIdentifierMismatch, Severity.Medium,
        "Code signature identifier differs from the bundle id",
        "The CodeDirectory identifier is not CFBundleIdentifier: the executable was signed for another app.",
        "Re-sign the app so that its signing identifier is its bundle id.");

    public static readonly RuleDefinition ProfileSignatureInvalid = new(RuleIds.ProfileSignatureInvalid, Severity.High,
        "Provisioning profile signature does not verify",
        "The embedded.mobileprovision CMS signature does not match its content: the profile was edited after Apple signed it.",
        "Download a fresh profile from the developer portal and rebuild.");

    public static readonly RuleDefinition ProfileUntrustedSigner = new(RuleIds.ProfileUntrustedSigner, Severity.High,
        "Provisioning profile not signed by Apple",
        "The profile's signature verifies, but its signer chain does not lead to a trusted root (Apple's, or one configured in Scanner:TrustedRoots).",
        "Use a profile issued by Apple's developer portal.");

    public static readonly RuleDefinition CodesignUntrustedSigner = new(RuleIds.CodesignUntrustedSigner, Severity.High,
        "Code signature has no trusted signer",
        "The code signature is ad hoc (no CMS signer) or its signer chain leads to no trusted root.",
        "Sign with a certificate issued by Apple (or by a root configured in Scanner:TrustedRoots for a lab).");

    public static readonly RuleDefinition ProfileExpired = new(RuleIds.ProfileExpired, Severity.Medium,
        "Provisioning profile has expired",
        "The profile's ExpirationDate is in the past: the app will no longer launch on devices.",
        "Renew the profile and rebuild.");

    public static readonly RuleDefinition ProfileDebuggable = new(RuleIds.ProfileDebuggable, Severity.Medium,
        "Debuggable build (get-task-allow)",
        "The entitlement get-task-allow is true: any debugger can attach and read the app's memory. Development builds only.",
        "Build with a distribution profile, which sets get-task-allow to false.");

    public static readonly RuleDefinition AtsArbitraryLoads = new(RuleIds.AtsArbitraryLoads, Severity.Medium,
        "App Transport Security disabled",
        "NSAppTransportSecurity / NSAllowsArbitraryLoads is true: the app may load anything over plain HTTP.",
        "Remove NSAllowsArbitraryLoads; list narrow NSExceptionDomains only where unavoidable.");

    public static readonly RuleDefinition BinaryNotPie = new(RuleIds.BinaryNotPie, Severity.Low,
        "Executable is not position-independent",
        "The executable lacks MH_PIE, so ASLR cannot randomise its load address.",
        "Build with -fPIE / the default Xcode settings.");

    public static readonly RuleDefinition BinaryNoStackCanary = new(RuleIds.BinaryNoStackCanary, Severity.Low,
        "No stack canary",
        "Neither ___stack_chk_guard nor ___stack_chk_fail is imported: the binary was built without stack protection.",
        "Build with -fstack-protector-all (Xcode's default).");

    public static readonly RuleDefinition PackageInvalid = new(RuleIds.PackageInvalid, Severity.Info,
        "Package cannot be analysed",
        "The file is not a ZIP, has no Payload/<Name>.app, or its Info.plist is missing or malformed.",
        "Upload the .ipa that Xcode exported (Product → Archive → Distribute App).");

    public static readonly RuleDefinition PackageUnsafe = new(RuleIds.PackageUnsafe, Severity.Critical,
        "Hostile package structure",
        "The archive holds a path-traversal, absolute-path or link entry, or entries that inflate beyond the size or ratio limits: built to attack the tools that unpack it.",
        "Do not approve. Find out where the package came from.");

    public static readonly RuleDefinition ScanStageLimit = new(RuleIds.ScanStageLimit, Severity.Medium,
        "A scanner stage ran out of its budget",
        "One stage of the scan exceeded its time or memory budget; the report holds what the other stages found.",
        "Review by hand, or rescan; an unusually large or convoluted package is itself suspicious.");

    public static IReadOnlyList<RuleDefinition> All { get; } =
    [
        MasqueBundleHijack, MasqueUrlSchemeHijack, MasqueExtensionHijack, SignerRevoked, SignerUntrustedEnterprise,
        KnownMalwareHash, CodesignMissing, CodesignTeamMismatch, CodesignIdentifierMismatch, ProfileSignatureInvalid,
        ProfileUntrustedSigner, CodesignUntrustedSigner, ProfileExpired, ProfileDebuggable, AtsArbitraryLoads,
        BinaryNotPie, BinaryNoStackCanary, PackageInvalid, PackageUnsafe, ScanStageLimit,
    ];

    public static RuleDefinition? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
