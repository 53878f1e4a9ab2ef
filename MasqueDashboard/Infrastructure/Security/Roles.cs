namespace MasqueDashboard.Infrastructure.Security;

/// <summary>The four roles of PRODUCT.md §2 and the rules about holding them together.</summary>
public static class Roles
{
    public const string Developer = nameof(Developer);
    public const string SecurityReviewer = nameof(SecurityReviewer);
    public const string EmmAdmin = nameof(EmmAdmin);
    public const string Auditor = nameof(Auditor);

    public static IReadOnlyList<string> All { get; } = [Developer, SecurityReviewer, EmmAdmin, Auditor];

    /// <summary>Roles that must have two-factor authentication before they act (PRODUCT.md §2).</summary>
    public static IReadOnlyList<string> Privileged { get; } = [SecurityReviewer, EmmAdmin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    public static string? Normalize(string role) =>
        All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Separation of duties: whoever builds apps may not also sign them off or publish them.
    /// Returns a reason when the set conflicts, else null.
    /// </summary>
    public static string? FindConflict(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        if (!set.Contains(Developer))
        {
            return null;
        }

        var clash = new[] { SecurityReviewer, EmmAdmin }.Where(set.Contains).ToList();
        return clash.Count == 0
            ? null
            : $"The Developer role cannot be held together with {string.Join(" or ", clash)}: nobody reviews or publishes their own builds.";
    }
}
