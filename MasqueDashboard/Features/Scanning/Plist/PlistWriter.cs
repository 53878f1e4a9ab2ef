namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Writes property lists that <see cref="PlistReader"/> (and CF) read back as the same tree: binary
/// <c>bplist00</c> with the smallest standard widths, or XML laid out as Xcode writes it (DOMAIN §3).
/// </summary>
/// <remarks>
/// <para>Dictionaries keep their order. A binary plist writes each distinct scalar once and each container
/// instance once, so a shared subtree stays shared; XML has no references and writes it at every place.</para>
/// <para>Trees the formats cannot carry are refused with <see cref="ArgumentException"/> rather than written
/// lossily: containers nested more than <see cref="MaxDepth"/> deep, strings that are not well-formed UTF-16,
/// and for XML strings with characters XML 1.0 forbids and dates with a fraction of a second. A binary date is
/// a float64 of seconds, which the reader rounds to the microsecond.</para>
/// </remarks>
public static class PlistWriter
{
    /// <summary>iOS's CF refuses deeper nesting, and so does <see cref="PlistReaderOptions.MaxDepth"/> by default.</summary>
    public const int MaxDepth = 128;

    /// <summary>XML writes a shared subtree at every place it appears; beyond this many nodes the reader would refuse the result anyway.</summary>
    public const int MaxXmlNodes = 1_000_000;

    /// <exception cref="ArgumentException">The tree holds something <c>bplist00</c> cannot carry (see remarks).</exception>
    public static byte[] ToBinary(PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return BinaryPlistWriter.Write(root);
    }

    /// <exception cref="ArgumentException">The tree holds something an XML plist cannot carry (see remarks).</exception>
    public static byte[] ToXml(PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return XmlPlistWriter.Write(root);
    }
}
