namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>A certificate that signed the package is revoked.</summary>
public sealed class SignerRevokedRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.SigningCertificates
            .Where(c => context.Catalog.RevokedCertificateSha1s.Contains(c.Sha1))
            .DistinctBy(c => c.Sha1)
            .Select(c => RuleDefinitions.SignerRevoked.Finding($"Certificate SHA-1 {c.Sha1} ({c.Subject}) is revoked."));
    }
}
