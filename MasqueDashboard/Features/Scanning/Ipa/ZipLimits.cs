namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>
/// Bounds on what an uploaded package may make the scanner read or inflate (PRODUCT §4, DOMAIN §2). Every count
/// and size in a ZIP comes from the attacker, so each limit is checked against the declared values when the
/// package is opened and against the bytes actually inflated while an entry is read.
/// </summary>
public sealed record ZipLimits
{
    public static ZipLimits Default { get; } = new();

    /// <summary>More entries than this make the package unsafe; their names are not even read.</summary>
    public int MaxEntries
    {
        get;
        init => field = Positive(value);
    } = 100_000;

    /// <summary>Declared sizes summed over all entries, and real bytes inflated over all reads, may not exceed this.</summary>
    public long MaxTotalInflatedBytes
    {
        get;
        init => field = Positive(value);
    } = 8L << 30;

    /// <summary>Inflated bytes per compressed byte, declared and real, for one entry.</summary>
    public int MaxCompressionRatio
    {
        get;
        init => field = Positive(value);
    } = 200;

    /// <summary>
    /// The ratio is judged only once an entry inflates past this many bytes: a small file of zeros compresses
    /// beyond 200:1 yet cannot exhaust anything, while an entry past this size must respect the ratio.
    /// </summary>
    public long MinBytesForRatioCheck
    {
        get;
        init => field = NotNegative(value);
    } = 1 << 20;

    /// <summary>Entries read whole into memory (Info.plist, embedded.mobileprovision, CodeResources) stop here.</summary>
    public int MaxParsedEntryBytes
    {
        get;
        init => field = Positive(value);
    } = 16 << 20;

    /// <summary>Entries streamed (the main executable) stop here.</summary>
    public long MaxExecutableBytes
    {
        get;
        init => field = Positive(value);
    } = 512L << 20;

    /// <summary>
    /// The central directory is read entry by entry and only its parsed names are kept, yet its declared size
    /// still bounds that work: 100,000 entries with long names and extra fields fit well within this.
    /// </summary>
    public long MaxCentralDirectoryBytes
    {
        get;
        init => field = Positive(value);
    } = 64L << 20;

    private static int Positive(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        return value;
    }

    private static long Positive(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        return value;
    }

    private static long NotNegative(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
