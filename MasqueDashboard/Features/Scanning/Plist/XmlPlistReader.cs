using System.Globalization;
using System.Text;
using System.Xml;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Reads XML property lists as DOMAIN §3.2 has it: .NET's XmlReader for the XML itself (DTD skipped, no
/// resolver, so only the five predefined entities and character references expand, T12), and CF's rules for
/// the plist grammar on top. Recursion is bounded by the depth cap, checked before descending.
/// </summary>
internal sealed class XmlPlistReader
{
    private const int MaxQuotedLength = 40;

    private readonly XmlReader _reader;
    private readonly byte[] _bytes;
    private readonly PlistReaderOptions _options;
    private int _nodes;
    private bool _containsUid;

    private XmlPlistReader(XmlReader reader, byte[] bytes, PlistReaderOptions options)
    {
        _reader = reader;
        _bytes = bytes;
        _options = options;
    }

    public static PlistDocument Read(ReadOnlySpan<byte> bytes, PlistReaderOptions options)
    {
        var copy = bytes.ToArray();
        var settings = new XmlReaderSettings
        {
            // Prohibit would refuse Apple's own DOCTYPE; Ignore skips it, so no entity is ever declared (T12).
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = options.MaxBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
            CloseInput = true,
        };

        using var stream = new MemoryStream(copy, writable: false);
        using var xml = XmlReader.Create(stream, settings);
        var reader = new XmlPlistReader(xml, copy, options);
        try
        {
            return reader.ReadDocument();
        }
        catch (XmlException exception)
        {
            throw new PackageFormatException(
                $"Not a well-formed XML property list: {exception.Message}",
                XmlByteOffset.Find(copy, exception.LineNumber, exception.LinePosition),
                exception);
        }
        catch (DecoderFallbackException exception)
        {
            throw new PackageFormatException(
                $"XML property list is not valid in its encoding: {exception.Message}", reader.CurrentOffset(), exception);
        }
    }

    private PlistDocument ReadDocument()
    {
        // DOMAIN §3.1: after the prolog, the document must be a <plist> element.
        _reader.MoveToContent();
        if (_reader.NodeType != XmlNodeType.Element || _reader.Name != "plist")
        {
            throw Fail($"Root element is <{_reader.Name}>, not <plist>");
        }

        if (_reader.IsEmptyElement)
        {
            throw Fail("<plist> holds no value");
        }

        PlistNode? root = null;
        while (_reader.Read() && _reader.NodeType != XmlNodeType.EndElement)
        {
            if (_reader.NodeType == XmlNodeType.Element)
            {
                if (root is not null)
                {
                    throw Fail("<plist> holds more than one value");
                }

                root = ReadValue(depth: 0);
            }
            else
            {
                RefuseText("<plist>");
            }
        }

        if (root is null)
        {
            throw Fail("<plist> holds no value");
        }

        // Whatever follows </plist> must still be well-formed XML; XmlReader reports junk only when read.
        while (_reader.Read())
        {
        }

        return new PlistDocument(root, PlistFormat.Xml, _containsUid);
    }

    private PlistNode ReadValue(int depth)
    {
        if (++_nodes > _options.MaxNodes)
        {
            throw Fail($"Property list holds more than {_options.MaxNodes} nodes");
        }

        var name = _reader.Name;
        return name switch
        {
            "dict" => ReadDictionary(depth),
            "array" => ReadArray(depth),
            "string" => new PlistString(ReadText()),
            "integer" => ParseInteger(),
            "real" => ParseReal(),
            "true" => ReadBoolean(true),
            "false" => ReadBoolean(false),
            "date" => ParseDate(),
            "data" => ParseData(),
            "key" => throw Fail("<key> outside a <dict>"),
            _ => throw Fail($"<{name}> is not a property list element"),
        };
    }

    private PlistArray ReadArray(int depth)
    {
        EnterContainer(depth);
        if (_reader.IsEmptyElement)
        {
            return PlistArray.Empty;
        }

        var items = new List<PlistNode>();
        while (ReadInside("<array>"))
        {
            if (_reader.Name == "key")
            {
                throw Fail("<key> inside an <array>");
            }

            items.Add(ReadValue(depth + 1));
        }

        return PlistArray.TakeOwnership([.. items]);
    }

    // DOMAIN §3.2: <key> and a value strictly alternate, so a stray key or a missing value is an error.
    private PlistDictionary ReadDictionary(int depth)
    {
        EnterContainer(depth);
        if (_reader.IsEmptyElement)
        {
            return PlistDictionary.Empty;
        }

        var entries = new List<KeyValuePair<string, PlistNode>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        string? key = null;
        while (ReadInside("<dict>"))
        {
            if (_reader.Name == "key")
            {
                if (key is not null)
                {
                    throw Fail($"<key>{Quote(key)}</key> has no value");
                }

                var keyOffset = CurrentOffset();
                key = ReadText();
                if (!index.TryAdd(key, entries.Count))
                {
                    throw new PackageFormatException($"Dictionary key '{Quote(key)}' appears twice", keyOffset);
                }

                continue;
            }

            if (key is null)
            {
                throw Fail($"<{_reader.Name}> in a <dict> has no <key>");
            }

            entries.Add(new KeyValuePair<string, PlistNode>(key, ReadValue(depth + 1)));
            key = null;
        }

        if (key is not null)
        {
            throw Fail($"<key>{Quote(key)}</key> has no value");
        }

        // CF's XML reader turns a one-entry {CF$UID: number} dict into a keyed-archiver UID; a caller
        // flagging UIDs must see those too.
        if (entries is [{ Key: "CF$UID", Value: PlistInteger or PlistReal }])
        {
            _containsUid = true;
        }

        return PlistDictionary.TakeOwnership([.. entries], index);
    }

    private void EnterContainer(int depth)
    {
        if (depth >= _options.MaxDepth)
        {
            throw Fail($"Containers nest deeper than {_options.MaxDepth} levels");
        }
    }

    /// <summary>Moves to the next child element of a container; false at its end tag.</summary>
    private bool ReadInside(string container)
    {
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    return false;
                default:
                    RefuseText(container);
                    break;
            }
        }

        throw Fail($"{container} is not closed");
    }

    private void RefuseText(string container)
    {
        var isBlank = _reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace ||
            (_reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && IsXmlWhitespace(_reader.Value));
        if (!isBlank)
        {
            throw Fail($"{container} holds text or a node other than elements ({_reader.NodeType})");
        }
    }

    /// <summary>The text of a leaf element: character data only, comments skipped, no child element.</summary>
    private string ReadText()
    {
        var element = _reader.Name;
        if (_reader.IsEmptyElement)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    text.Append(_reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    return text.ToString();
                default:
                    throw Fail($"<{element}> holds a {_reader.NodeType} node; only text is allowed");
            }
        }

        throw Fail($"<{element}> is not closed");
    }

    private PlistBoolean ReadBoolean(bool value)
    {
        var offset = CurrentOffset();
        var text = ReadText();
        if (!IsXmlWhitespace(text))
        {
            throw new PackageFormatException($"<{(value ? "true" : "false")}/> holds text", offset);
        }

        return new PlistBoolean(value);
    }

    // T11: CF's grammar — surrounding whitespace, a sign, decimal or 0x hex, nothing else — and CF's range.
    private PlistInteger ParseInteger()
    {
        var offset = CurrentOffset();
        var text = ReadText();
        var span = text.AsSpan().Trim(" \t\r\n");
        var negative = false;
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        var hex = span.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hex)
        {
            span = span[2..];
        }

        if (span.IsEmpty)
        {
            throw new PackageFormatException($"<integer>{Quote(text)}</integer> has no digits", offset);
        }

        var limit = negative ? (UInt128)1 << 63 : ulong.MaxValue;
        UInt128 magnitude = 0;
        foreach (var c in span)
        {
            var digit = DigitValue(c, hex);
            if (digit < 0)
            {
                throw new PackageFormatException($"<integer>{Quote(text)}</integer> holds the character '{c}'", offset);
            }

            magnitude = (magnitude * (hex ? 16u : 10u)) + (uint)digit;
            if (magnitude > limit)
            {
                throw new PackageFormatException($"<integer>{Quote(text)}</integer> is outside −2^63 … 2^64−1", offset);
            }
        }

        return new PlistInteger(negative ? -(Int128)magnitude : (Int128)magnitude);
    }

    private static int DigitValue(char c, bool hex) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' when hex => c - 'a' + 10,
        >= 'A' and <= 'F' when hex => c - 'A' + 10,
        _ => -1,
    };

    // DOMAIN §3.2: decimal reals, plus CF's nan / inf / infinity spellings with a sign, in any case.
    private PlistReal ParseReal()
    {
        var offset = CurrentOffset();
        var text = ReadText();
        var span = text.AsSpan().Trim(" \t\r\n");
        var unsigned = span.Length > 0 && span[0] is '+' or '-' ? span[1..] : span;
        var negative = span.Length > 0 && span[0] == '-';

        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return new PlistReal(double.NaN);
        }

        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) ||
            unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            return new PlistReal(negative ? double.NegativeInfinity : double.PositiveInfinity);
        }

        if (!IsDecimalReal(unsigned) ||
            !double.TryParse(span, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            throw new PackageFormatException($"<real>{Quote(text)}</real> is not a decimal number", offset);
        }

        return new PlistReal(value);
    }

    /// <summary>digits [. digits] or . digits, then an optional exponent; ASCII digits only.</summary>
    private static bool IsDecimalReal(ReadOnlySpan<char> text)
    {
        var i = 0;
        var integerDigits = CountDigits(text, ref i);
        var fractionDigits = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            fractionDigits = CountDigits(text, ref i);
        }

        if (integerDigits + fractionDigits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (CountDigits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int CountDigits(ReadOnlySpan<char> text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }

    // T5: CF accepts only [-]YYYY-MM-DDTHH:MM:SSZ; no fraction, no offset, no truncated forms.
    private PlistDate ParseDate()
    {
        var offset = CurrentOffset();
        var text = ReadText();
        var s = text.AsSpan();
        if (s.Length == 21 && s[0] == '-')
        {
            throw new PackageFormatException($"<date>{Quote(text)}</date> is before year 1", offset);
        }

        if (s.Length != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
            !TryDigits(s[..4], out var year) || !TryDigits(s[5..7], out var month) || !TryDigits(s[8..10], out var day) ||
            !TryDigits(s[11..13], out var hour) || !TryDigits(s[14..16], out var minute) || !TryDigits(s[17..19], out var second))
        {
            throw new PackageFormatException($"<date>{Quote(text)}</date> is not of the form YYYY-MM-DDTHH:MM:SSZ", offset);
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            throw new PackageFormatException($"<date>{Quote(text)}</date> is not a valid instant", offset);
        }

        return new PlistDate(new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero));
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    // DOMAIN §3.2: base64 with whitespace anywhere; anything else, or bad padding, is an error.
    private PlistData ParseData()
    {
        var offset = CurrentOffset();
        var text = ReadText();
        try
        {
            return PlistData.TakeOwnership(Convert.FromBase64String(text));
        }
        catch (FormatException exception)
        {
            throw new PackageFormatException("<data> is not base64", offset, exception);
        }
    }

    private static bool IsXmlWhitespace(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(" \t\r\n");

    private static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "…");

    private PackageFormatException Fail(string message) => new(message, CurrentOffset());

    private long CurrentOffset() =>
        _reader is IXmlLineInfo { } info && info.HasLineInfo()
            ? XmlByteOffset.Find(_bytes, info.LineNumber, info.LinePosition)
            : 0;
}
