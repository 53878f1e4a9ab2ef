using System.Globalization;
using MasqueDashboard.Features.Compliance;
using MudBlazor;

namespace MasqueDashboard.Features.Fleet;

/// <summary>How the fleet pages show states, rules and times: one place, so every page colours a state alike.</summary>
public static class FleetDisplay
{
    /// <summary>Every device-side violation id, policy by policy (PRODUCT.md §7).</summary>
    public static IReadOnlyList<string> RuleIds { get; } = PolicyIds.All.SelectMany(PolicyIds.RulesOf).Distinct().ToList();

    /// <summary>The actions an escalation ladder may take (<see cref="PolicyDocument.Validate"/> refuses the others).</summary>
    public static IReadOnlyList<CommandType> LadderActions { get; } = [CommandType.Notify, CommandType.BlockNetwork, CommandType.RemoveApp, CommandType.SelectiveWipe];

    public static Color ColorOf(ComplianceState state) => state switch
    {
        ComplianceState.Compliant => Color.Success,
        ComplianceState.NonCompliant => Color.Warning,
        _ => Color.Error,
    };

    public static string Label(ComplianceState state) => state switch
    {
        ComplianceState.NonCompliant => "Non-compliant",
        _ => state.ToString(),
    };

    public static Color ColorOf(CommandStatus status) => status switch
    {
        CommandStatus.Acknowledged => Color.Success,
        CommandStatus.Error => Color.Error,
        CommandStatus.Sent => Color.Info,
        _ => Color.Default,
    };

    public static Color ColorOf(FullWipeStatus status) => status switch
    {
        FullWipeStatus.Approved => Color.Error,
        FullWipeStatus.Denied => Color.Default,
        _ => Color.Warning,
    };

    /// <summary>Rules that mean an attack or a compromised device are red; the hygiene rules orange.</summary>
    public static Color ColorOfRule(string ruleId) => ruleId switch
    {
        ViolationIds.MasqueBundleHijack or ViolationIds.SignerRevoked or ViolationIds.KnownMalwareHash or ViolationIds.DeviceJailbroken => Color.Error,
        ViolationIds.MasqueUrlSchemeHijack or ViolationIds.SignerUntrustedEnterprise or ViolationIds.UntrustedProvisioningProfile => Color.Warning,
        _ when ruleId.StartsWith("MASQUE-", StringComparison.Ordinal) || ruleId.StartsWith("APP-", StringComparison.Ordinal) => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>A UTC time as the pages write it, or a dash.</summary>
    public static string When(DateTime? utc) =>
        utc is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string YesNo(bool value) => value ? "Yes" : "No";

    /// <summary>A configured duration in words: "20 minutes", "72 hours", "3 days".</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } when span.TotalDays == Math.Floor(span.TotalDays) => $"{span.TotalDays:0} days",
        { TotalHours: >= 2 } when span.TotalHours == Math.Floor(span.TotalHours) => $"{span.TotalHours:0} hours",
        { TotalHours: 1 } => "1 hour",
        { TotalMinutes: >= 2 } when span.TotalMinutes == Math.Floor(span.TotalMinutes) => $"{span.TotalMinutes:0} minutes",
        _ => span.ToString("c", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// For an installed build that carries a catalog app's bundle id under another team: the sentence that sets it
    /// beside its genuine twin. Null for an app without findings, without a catalog twin, or signed by the twin's own
    /// team (a genuine build flagged for another reason, such as a revoked certificate, is no impostor).
    /// </summary>
    public static string? ImpostorNote(DeviceAppRow app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Findings.Count == 0 || app.GenuineName is null || (app.TeamId is not null && app.TeamId == app.GenuineTeamId))
        {
            return null;
        }

        var signer = app.TeamId is null ? "this build's signing team is not reported" : $"this build is signed by team {app.TeamId}";
        return $"Impostor of {app.GenuineName} (team {app.GenuineTeamId}); {signer}.";
    }
}

/// <summary>What a person typed before an action on devices: the reason (the message, for Notify) and the app to remove.</summary>
public sealed record DeviceActionRequest(string Reason, string? BundleId);

/// <summary>Devices are the same row when their ids are: the selection survives a reload of the table.</summary>
public sealed class DeviceRowIdComparer : IEqualityComparer<DeviceRow>
{
    public static DeviceRowIdComparer Instance { get; } = new();

    public bool Equals(DeviceRow? x, DeviceRow? y) => x?.Id == y?.Id;

    public int GetHashCode(DeviceRow obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Id.GetHashCode();
    }
}
