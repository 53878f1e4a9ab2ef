namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>How a package problem is judged: <see cref="Invalid"/> maps to rule PACKAGE-INVALID, <see cref="Unsafe"/> to PACKAGE-UNSAFE.</summary>
public enum PackageProblemKind
{
    /// <summary>The package cannot be analysed as an app: no single Payload app, an entry that cannot be read, corrupt data.</summary>
    Invalid,

    /// <summary>The package is built to attack its reader: traversal, links, bombs, lies between headers, limits exceeded.</summary>
    Unsafe,
}

/// <summary>
/// One problem found in a package. <paramref name="EntryName"/> is the entry's name made printable (control
/// characters and bytes that are not UTF-8 escaped), or null for a problem of the whole archive.
/// </summary>
public sealed record PackageProblem(PackageProblemKind Kind, string Message, string? EntryName);
