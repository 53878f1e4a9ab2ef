namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>The profile was edited after it was signed.</summary>
public sealed class ProfileSignatureInvalidRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Profile?.Signature is { IsSigned: true, SignatureValid: false } signature)
        {
            yield return RuleDefinitions.ProfileSignatureInvalid.Finding(
                $"embedded.mobileprovision: the CMS signature does not verify ({string.Join("; ", signature.Problems)}).", context.ProfilePath);
        }
        else if (context.Profile?.Signature is { IsSigned: false })
        {
            yield return RuleDefinitions.ProfileSignatureInvalid.Finding("embedded.mobileprovision is a bare property list with no CMS signature.", context.ProfilePath);
        }
    }
}

/// <summary>The profile's signature verifies, but not up to a trusted root.</summary>
public sealed class ProfileUntrustedSignerRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Profile?.Signature is { IsSigned: true, SignatureValid: true, ChainTrusted: false } signature)
        {
            yield return RuleDefinitions.ProfileUntrustedSigner.Finding(
                $"embedded.mobileprovision is signed by {signature.Signer?.Subject ?? "an unknown signer"}, which chains to no trusted root ({string.Join("; ", signature.Problems)}).",
                context.ProfilePath);
        }
    }
}

/// <summary>The profile's ExpirationDate has passed.</summary>
public sealed class ProfileExpiredRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Profile?.Profile.ExpirationDate is { } expires && expires < context.ScannedAt)
        {
            yield return RuleDefinitions.ProfileExpired.Finding($"ExpirationDate = {expires:yyyy-MM-ddTHH:mm:ssZ}, before the scan at {context.ScannedAt:yyyy-MM-ddTHH:mm:ssZ}.", context.ProfilePath);
        }
    }
}

/// <summary>get-task-allow: a debugger may attach.</summary>
public sealed class ProfileDebuggableRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SignedEntitlements?.GetBoolean("get-task-allow") == true)
        {
            yield return RuleDefinitions.ProfileDebuggable.Finding("The executable is signed with the entitlement get-task-allow = true.", context.ExecutablePath);
        }
        else if (context.Profile?.Profile.GetTaskAllow == true)
        {
            yield return RuleDefinitions.ProfileDebuggable.Finding("embedded.mobileprovision Entitlements: get-task-allow = true.", context.ProfilePath);
        }
    }
}
