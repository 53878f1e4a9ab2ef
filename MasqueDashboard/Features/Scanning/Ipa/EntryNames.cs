using System.Buffers;
using System.Globalization;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Ipa;

/// <summary>The rules an entry name must follow before anything is looked up by it (DOMAIN §2, PRODUCT §4).</summary>
internal static class EntryNames
{
    private const int MaxPrintableLength = 300;

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Why <paramref name="name"/> is unsafe to extract, or null when it is an ordinary relative path.</summary>
    public static string? FindUnsafePart(string name)
    {
        if (name.Length == 0)
        {
            return "has an empty name";
        }

        // NUL first: a reader that stops at it sees another name than one that does not.
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL character";
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash, a separator on Windows and a name character on iOS";
        }

        if (name[0] == '/')
        {
            return "is an absolute path";
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return "starts with a drive letter";
        }

        var path = name.EndsWith('/') ? name.AsSpan(0, name.Length - 1) : name.AsSpan();
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "..")
            {
                return "climbs out of the archive with a '..' segment (path traversal)";
            }

            // Extractors collapse "a//b" and "a/./b" differently, so such a name can stand for another entry.
            if (segment.IsEmpty || segment is ".")
            {
                return "has an empty or '.' path segment";
            }
        }

        return null;
    }

    /// <summary>
    /// The key an entry is found by: NFC, so that the NFC and NFD spellings of one name, which APFS treats as
    /// the same file, meet as duplicates; a directory's trailing slash dropped, so a file and a directory of one
    /// name meet too.
    /// </summary>
    public static string Key(string name)
    {
        var trimmed = name.EndsWith('/') ? name[..^1] : name;
        return trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
    }

    /// <summary>A caller's path turned into a key; null when it is not well-formed Unicode and so names no entry.</summary>
    public static string? TryKey(string path)
    {
        try
        {
            return Key(path);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static string Printable(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, MaxPrintableLength) + 8);
        foreach (var c in name)
        {
            if (text.Length >= MaxPrintableLength)
            {
                return text.Append('…').ToString();
            }

            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>Bytes that are not UTF-8: valid sequences kept, every stray byte shown as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> name)
    {
        var text = new StringBuilder(Math.Min(name.Length, MaxPrintableLength) + 8);
        while (!name.IsEmpty && text.Length < MaxPrintableLength)
        {
            if (Rune.DecodeFromUtf8(name, out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(Printable(rune.ToString()));
            }
            else
            {
                for (var i = 0; i < consumed; i++)
                {
                    text.Append("\\x").Append(name[i].ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            name = name[consumed..];
        }

        return name.IsEmpty ? text.ToString() : text.Append('…').ToString();
    }
}
