namespace MasqueDashboard.Features.Scanning.Plist;

public enum PlistFormat
{
    Xml,
    Binary,
}

/// <summary>
/// A property list as read. <paramref name="ContainsUid"/> is true when a keyed-archiver UID was seen:
/// a binary 0x8n object, or an XML one-entry <c>{CF$UID: number}</c> dictionary, which CF's XML reader
/// turns into a UID (swift-corelibs-foundation CFPropertyList.c, parseDictTag). Either has no business in
/// an Info.plist or a profile (DOMAIN §3.3, T6).
/// </summary>
public sealed record PlistDocument(PlistNode Root, PlistFormat Format, bool ContainsUid);

/// <summary>Limits applied while reading bytes an attacker chose (DOMAIN §3.4).</summary>
public sealed record PlistReaderOptions
{
    public static PlistReaderOptions Default { get; } = new();

    /// <summary>Containers nested deeper than this are refused; 128 is iOS's CF limit (DOMAIN §3.4 rule 7).</summary>
    public int MaxDepth
    {
        get;
        init => field = Positive(value);
    } = 128;

    /// <summary>Input longer than this is refused before any parsing.</summary>
    public int MaxBytes
    {
        get;
        init => field = Positive(value);
    } = 16 * 1024 * 1024;

    /// <summary>
    /// Bound on the tree as a walker sees it, shared children counted at every place they appear: a binary
    /// plist of 30 nested two-element arrays sharing one child is a few hundred bytes and 2^31 nodes.
    /// </summary>
    public int MaxNodes
    {
        get;
        init => field = Positive(value);
    } = 1_000_000;

    private static int Positive(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        return value;
    }
}
