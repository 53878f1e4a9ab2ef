namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>The Masque Attack itself: a catalog app's bundle id, signed by another team.</summary>
public sealed class MasqueBundleHijackRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.BundleId is not { } bundleId || context.TeamId is not { } team
            || context.Catalog.AppWithBundleId(bundleId) is not { } genuine
            || string.Equals(genuine.TeamId, team, StringComparison.Ordinal))
        {
            yield break;
        }

        yield return RuleDefinitions.MasqueBundleHijack.Finding(
            $"CFBundleIdentifier = {bundleId} is the catalog app '{genuine.Name}' of team {genuine.TeamId}; this package is signed by team {team}.",
            context.InfoPlistPath);
    }
}
