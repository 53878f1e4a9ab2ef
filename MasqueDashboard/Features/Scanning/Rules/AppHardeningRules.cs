using MasqueDashboard.Features.Scanning.MachO;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Rules;

/// <summary>App Transport Security switched off.</summary>
public sealed class AtsArbitraryLoadsRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.InfoPlist?.GetDictionary("NSAppTransportSecurity") is PlistDictionary ats && ats.GetBoolean("NSAllowsArbitraryLoads") == true)
        {
            yield return RuleDefinitions.AtsArbitraryLoads.Finding("Info.plist NSAppTransportSecurity → NSAllowsArbitraryLoads = true.", context.InfoPlistPath);
        }
    }
}

/// <summary>An executable without MH_PIE.</summary>
public sealed class BinaryNotPieRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var slices = context.Binary?.Slices.Where(s => s.FileType == MachOFileType.Execute && !s.IsPie).Select(s => s.Architecture).ToList();
        if (slices is { Count: > 0 })
        {
            yield return RuleDefinitions.BinaryNotPie.Finding($"{context.ExecutablePath}: MH_PIE is not set in the {string.Join(", ", slices)} slice(s).", context.ExecutablePath);
        }
    }
}

/// <summary>No stack-protector symbols.</summary>
public sealed class BinaryNoStackCanaryRule : IScanRule
{
    public IEnumerable<Finding> Evaluate(ScanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var slices = context.Binary?.Slices.Where(s => !s.HasStackCanary).Select(s => s.Architecture).ToList();
        if (slices is { Count: > 0 })
        {
            yield return RuleDefinitions.BinaryNoStackCanary.Finding(
                $"{context.ExecutablePath}: ___stack_chk_guard / ___stack_chk_fail are not imported by the {string.Join(", ", slices)} slice(s).", context.ExecutablePath);
        }
    }
}
