using MasqueDashboard.Features.Fleet;

namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// A policy as the compliance page edits it. <see cref="ToDocument"/> turns the drafts back into the
/// <see cref="PolicyDocument"/> that <see cref="PolicyService.UpdateAsync"/> validates and saves.
/// </summary>
public sealed class PolicyDraft
{
    public required string Id { get; init; }

    public bool Enabled { get; set; }

    /// <summary>The minimum iOS version for <c>minimum-os</c>, the days for <c>checkin</c>; null otherwise.</summary>
    public string? Setting { get; set; }

    public List<LadderStepDraft> Ladder { get; init; } = [];

    public string Name => new Policy(Id, Enabled, Setting, []).Name;

    /// <summary>The violation ids the policy raises.</summary>
    public IReadOnlyList<string> Rules => PolicyIds.RulesOf(Id);

    public static PolicyDraft From(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyDraft { Id = policy.Id, Enabled = policy.Enabled, Setting = policy.Setting, Ladder = policy.Ladder.Select(LadderStepDraft.From).ToList() };
    }

    public static List<PolicyDraft> From(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return PolicyIds.All.Select(id => From(document[id])).ToList();
    }

    /// <summary>The policy as saved: settings trimmed, steps in order of their delay (equal delays keep the order they were written in).</summary>
    public Policy ToPolicy() =>
        new(Id, Enabled, string.IsNullOrWhiteSpace(Setting) ? null : Setting.Trim(), Ladder.Select(s => s.ToStep()).OrderBy(s => s.After).ToList());

    public static PolicyDocument ToDocument(IEnumerable<PolicyDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        return new PolicyDocument(drafts.Select(d => d.ToPolicy()).ToList());
    }
}

/// <summary>One rung of a ladder being edited: a delay in hours and a set of actions.</summary>
public sealed class LadderStepDraft
{
    /// <summary>Hours after the violation began.</summary>
    public double Hours { get; set; }

    public HashSet<CommandType> Actions { get; init; } = [];

    public static LadderStepDraft From(LadderStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new LadderStepDraft { Hours = step.After.TotalHours, Actions = [.. step.Actions] };
    }

    /// <summary>The step, its actions in the ladder's usual order (contain, then remove, then wipe).</summary>
    public LadderStep ToStep() =>
        new(TimeSpan.FromHours(Hours), FleetDisplay.LadderActions.Where(Actions.Contains).Concat(Actions.Except(FleetDisplay.LadderActions)).ToList());
}
