using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>What both writers refuse, and the date arithmetic the binary form and the reader share.</summary>
internal static class PlistWriterChecks
{
    private static readonly DateTimeOffset ReferenceDate = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A container at <paramref name="depth"/> (the root is at 0) must sit above the cap, as the reader checks it.</summary>
    public static void CheckDepth(int depth)
    {
        if (depth >= PlistWriter.MaxDepth)
        {
            throw new ArgumentException(
                $"Containers nest deeper than {PlistWriter.MaxDepth} levels; iOS's CF and the reader refuse that.");
        }
    }

    /// <summary>T8: a lone surrogate has no UTF-16BE or UTF-8 form the reader accepts.</summary>
    public static void CheckWellFormed(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                throw new ArgumentException(
                    $"String holds a lone surrogate at index {text.Length - rest.Length}; it has no well-formed encoding.");
            }

            rest = rest[consumed..];
        }
    }

    /// <summary>
    /// Seconds since 2001-01-01 as a float64 (DOMAIN §3.3 marker 0x33). Whole seconds and the fraction are
    /// converted apart, so the whole part stays exact and the reader's microsecond rounding finds the same instant.
    /// </summary>
    public static double SecondsSince2001(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - ReferenceDate.UtcTicks;
        var whole = ticks / TimeSpan.TicksPerSecond;
        var fraction = ticks % TimeSpan.TicksPerSecond;
        return whole + (fraction / (double)TimeSpan.TicksPerSecond);
    }
}
