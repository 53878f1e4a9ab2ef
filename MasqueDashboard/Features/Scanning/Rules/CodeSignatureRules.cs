namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>The main executable carries no code signature at all.</summary>
public sealed class CodesignMissingRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Binary is { } binary && binary.Slices.Any(s => s.CodeSignature is null))
        {
            var unsigned = string.Join(", ", binary.Slices.Where(s => s.CodeSignature is null).Select(s => s.Architecture));
            yield return RuleDefinitions.CodesignMissing.Finding($"{context.ExecutablePath}: no LC_CODE_SIGNATURE in the {unsigned} slice(s).", context.ExecutablePath);
        }
    }
}

/// <summary>The CodeDirectory's team id is not the profile's TeamIdentifier.</summary>
public sealed class CodesignTeamMismatchRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CodeDirectoryTeamId is { } signed && context.Profile?.Profile.TeamId is { } profileTeam
            && !string.Equals(signed, profileTeam, StringComparison.Ordinal))
        {
            yield return RuleDefinitions.CodesignTeamMismatch.Finding(
                $"CodeDirectory team id = {signed}; embedded.mobileprovision TeamIdentifier = {profileTeam}.", context.ExecutablePath);
        }
    }
}

/// <summary>The CodeDirectory's identifier is not the bundle id.</summary>
public sealed class CodesignIdentifierMismatchRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PrimarySlice?.CodeSignature?.PrimaryCodeDirectory.Identifier is { } identifier && context.BundleId is { } bundleId
            && !string.Equals(identifier, bundleId, StringComparison.Ordinal))
        {
            yield return RuleDefinitions.CodesignIdentifierMismatch.Finding(
                $"CodeDirectory identifier = {identifier}; CFBundleIdentifier = {bundleId}.", context.ExecutablePath);
        }
    }
}

/// <summary>Ad hoc signature, or a CMS signer that chains to no trusted root.</summary>
public sealed class CodesignUntrustedSignerRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PrimarySlice?.CodeSignature is null)
        {
            yield break;
        }

        var verification = context.CodeSignature;
        if (verification is null || !verification.IsSigned)
        {
            yield return RuleDefinitions.CodesignUntrustedSigner.Finding($"{context.ExecutablePath}: ad hoc signature (no CMS signer).", context.ExecutablePath);
        }
        else if (!verification.SignatureValid || !verification.ChainTrusted)
        {
            var why = verification.Problems.Count > 0 ? string.Join("; ", verification.Problems) : "the signer chain leads to no trusted root";
            yield return RuleDefinitions.CodesignUntrustedSigner.Finding(
                $"{context.ExecutablePath}: signed by {verification.Signer?.Subject ?? "an unknown signer"}: {why}.", context.ExecutablePath);
        }
    }
}
