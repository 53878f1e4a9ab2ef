using System.Globalization;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// Writes XML plists as Xcode lays them out: Apple's prolog and DOCTYPE, the root value unindented, one tab
/// per level, base64 data on its own lines (DOMAIN §3.2). Written by hand rather than with XmlWriter so the
/// layout is Apple's and every escape is one the reader (and CF) undoes exactly.
/// </summary>
internal sealed class XmlPlistWriter
{
    private const int Base64LineLength = 76;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly StringBuilder _xml = new();
    private int _nodes;

    public static byte[] Write(PlistNode root)
    {
        var writer = new XmlPlistWriter();
        writer._xml
            .Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
            .Append("<plist version=\"1.0\">\n");
        writer.WriteValue(root, depth: 0);
        writer._xml.Append("</plist>\n");
        return StrictUtf8.GetBytes(writer._xml.ToString());
    }

    /// <summary>Writes one value starting at the current line, indented by <paramref name="depth"/> tabs, and ends the line.</summary>
    private void WriteValue(PlistNode node, int depth)
    {
        if (++_nodes > PlistWriter.MaxXmlNodes)
        {
            throw new ArgumentException(
                $"The tree expands to more than {PlistWriter.MaxXmlNodes} nodes when its shared children are written out.");
        }

        Indent(depth);
        switch (node)
        {
            case PlistString text:
                AppendElement("string", text.Value);
                break;
            case PlistInteger integer:
                _xml.Append("<integer>").Append(integer.Value.ToString(CultureInfo.InvariantCulture)).Append("</integer>");
                break;
            case PlistReal real:
                _xml.Append("<real>").Append(FormatReal(real.Value)).Append("</real>");
                break;
            case PlistBoolean boolean:
                _xml.Append(boolean.Value ? "<true/>" : "<false/>");
                break;
            case PlistDate date:
                _xml.Append("<date>").Append(FormatDate(date.Value)).Append("</date>");
                break;
            case PlistData data:
                WriteData(data.Value.Span, depth);
                break;
            case PlistUid uid:
                // CF writes a UID as the one-entry {CF$UID: n} dictionary, which its reader (and ours) turn back into one.
                _xml.Append("<dict>\n");
                Indent(depth + 1);
                _xml.Append("<key>CF$UID</key>\n");
                Indent(depth + 1);
                _xml.Append("<integer>").Append(uid.Value.ToString(CultureInfo.InvariantCulture)).Append("</integer>\n");
                Indent(depth);
                _xml.Append("</dict>");
                break;
            case PlistArray array:
                WriteArray(array, depth);
                break;
            case PlistDictionary dictionary:
                WriteDictionary(dictionary, depth);
                break;
            default:
                throw new ArgumentException($"Unknown plist node type {node.GetType().Name}.", nameof(node));
        }

        _xml.Append('\n');
    }

    private void WriteArray(PlistArray array, int depth)
    {
        PlistWriterChecks.CheckDepth(depth);
        if (array.Count == 0)
        {
            _xml.Append("<array/>");
            return;
        }

        _xml.Append("<array>\n");
        foreach (var item in array)
        {
            WriteValue(item, depth + 1);
        }

        Indent(depth);
        _xml.Append("</array>");
    }

    private void WriteDictionary(PlistDictionary dictionary, int depth)
    {
        PlistWriterChecks.CheckDepth(depth);
        if (dictionary.Count == 0)
        {
            _xml.Append("<dict/>");
            return;
        }

        _xml.Append("<dict>\n");
        foreach (var (key, value) in dictionary)
        {
            Indent(depth + 1);
            AppendElement("key", key);
            _xml.Append('\n');
            WriteValue(value, depth + 1);
        }

        Indent(depth);
        _xml.Append("</dict>");
    }

    private void WriteData(ReadOnlySpan<byte> bytes, int depth)
    {
        _xml.Append("<data>\n");
        var base64 = Convert.ToBase64String(bytes);
        for (var start = 0; start < base64.Length; start += Base64LineLength)
        {
            Indent(depth);
            _xml.Append(base64, start, Math.Min(Base64LineLength, base64.Length - start)).Append('\n');
        }

        Indent(depth);
        _xml.Append("</data>");
    }

    private void AppendElement(string name, string text)
    {
        _xml.Append('<').Append(name).Append('>');
        AppendEscaped(text);
        _xml.Append("</").Append(name).Append('>');
    }

    // Markup characters become entities. A carriage return becomes &#13;, because an XML parser turns a
    // literal CR (and CR LF) into LF; a character reference is exempt from that normalisation.
    private void AppendEscaped(string text)
    {
        PlistWriterChecks.CheckWellFormed(text);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&':
                    _xml.Append("&amp;");
                    break;
                case '<':
                    _xml.Append("&lt;");
                    break;
                case '>':
                    _xml.Append("&gt;");
                    break;
                case '\r':
                    _xml.Append("&#13;");
                    break;
                case '\t' or '\n':
                    _xml.Append(c);
                    break;
                case < ' ' or '\uFFFE' or '\uFFFF':
                    throw new ArgumentException(
                        $"String holds U+{(int)c:X4}, which XML 1.0 forbids even as a character reference; write a binary plist instead.");
                default:
                    _xml.Append(c);
                    break;
            }
        }
    }

    // CF's spellings for the non-finite values; otherwise the shortest text that parses back to the same double.
    private static string FormatReal(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "+infinity",
        double.NegativeInfinity => "-infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    // T5: CF reads only YYYY-MM-DDTHH:MM:SSZ, so a fraction of a second cannot be carried.
    private static string FormatDate(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        if (utc.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException(
                $"Date {value:O} has a fraction of a second, which an XML plist cannot hold; truncate it or write a binary plist.");
        }

        return utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
    }

    private void Indent(int depth) => _xml.Append('\t', depth);
}
