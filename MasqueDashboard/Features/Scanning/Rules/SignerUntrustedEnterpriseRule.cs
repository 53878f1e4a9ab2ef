using MasqueDashboard.Features.Scanning.Provisioning;

namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>In-House distribution by a team the organisation does not trust.</summary>
public sealed class SignerUntrustedEnterpriseRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Profile?.Profile is { Distribution: DistributionType.Enterprise } profile
            && !context.Catalog.TrustedTeamIds.Contains(profile.TeamId ?? ""))
        {
            yield return RuleDefinitions.SignerUntrustedEnterprise.Finding(
                $"ProvisionsAllDevices = true (In-House) with TeamIdentifier {profile.TeamId ?? "(none)"} ({profile.TeamName ?? "no team name"}), which is not a trusted signer.",
                context.ProfilePath);
        }
    }
}
