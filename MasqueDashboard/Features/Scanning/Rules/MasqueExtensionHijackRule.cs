namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>Extension hijacking: another team's extension id, or an extension not named after its host app.</summary>
public sealed class MasqueExtensionHijackRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var extension in context.Extensions)
        {
            if (extension.BundleId is not { } id)
            {
                continue;
            }

            var owner = context.Catalog.PublishedApps.FirstOrDefault(a => a.ExtensionBundleIds.Contains(id, StringComparer.Ordinal));
            var team = extension.TeamId ?? context.TeamId;
            if (owner is not null && team is not null && !string.Equals(owner.TeamId, team, StringComparison.Ordinal))
            {
                yield return RuleDefinitions.MasqueExtensionHijack.Finding(
                    $"{extension.Directory}: extension bundle id {id} belongs to the catalog app '{owner.Name}' of team {owner.TeamId}; it is signed by team {team}.",
                    $"{extension.Directory}Info.plist");
            }
            else if (context.BundleId is { } host && !id.StartsWith(host + ".", StringComparison.Ordinal))
            {
                yield return RuleDefinitions.MasqueExtensionHijack.Finding(
                    $"{extension.Directory}: extension bundle id {id} is not prefixed by the host app's bundle id {host}.",
                    $"{extension.Directory}Info.plist");
            }
        }
    }
}
