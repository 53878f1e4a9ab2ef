namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>Masque II: a URL scheme that another catalog app already handles.</summary>
public sealed class MasqueUrlSchemeHijackRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var scheme in context.UrlSchemes)
        {
            var owner = context.Catalog.PublishedApps.FirstOrDefault(a =>
                !string.Equals(a.BundleId, context.BundleId, StringComparison.Ordinal)
                && a.UrlSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase));
            if (owner is not null)
            {
                yield return RuleDefinitions.MasqueUrlSchemeHijack.Finding(
                    $"CFBundleURLTypes declares the scheme '{scheme}', already claimed by the catalog app '{owner.Name}' ({owner.BundleId}).",
                    context.InfoPlistPath);
            }
        }
    }
}
