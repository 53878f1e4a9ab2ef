using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// A canonical JSON form of a plist, byte for byte the one the shared fixtures' <c>expected.json</c> was made
/// with: Python's <c>json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)</c> over
/// CPython's reading, with data as <c>{"$data": base64}</c>, dates as <c>{"$date": ISO 8601 UTC}</c> and UIDs as
/// <c>{"$uid": n}</c>. Keys sort by code point, reals print as Python's <c>repr</c>, and non-finite reals as
/// Python writes them (<c>NaN</c>, <c>Infinity</c>), which strict JSON lacks.
/// </summary>
public static class PlistJson
{
    public const int DefaultMaxNodes = 1_000_000;
    public const int DefaultMaxLength = 64 * 1024 * 1024;

    /// <exception cref="InvalidOperationException">
    /// The tree, shared children counted where they appear, exceeds <paramref name="maxNodes"/> nodes or
    /// <paramref name="maxLength"/> characters of output (DOMAIN §3.4: a small DAG can expand to 2^30 leaves).
    /// </exception>
    public static string ToCanonicalJson(PlistNode node, int maxNodes = DefaultMaxNodes, int maxLength = DefaultMaxLength)
    {
        if (!TryToCanonicalJson(node, out var json, maxNodes, maxLength))
        {
            throw new InvalidOperationException(
                $"The property list expands beyond {maxNodes} nodes or {maxLength} characters of JSON.");
        }

        return json;
    }

    /// <summary>False, with no output, when the tree exceeds either bound.</summary>
    public static bool TryToCanonicalJson(
        PlistNode node,
        [NotNullWhen(true)] out string? json,
        int maxNodes = DefaultMaxNodes,
        int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);

        var writer = new Writer(maxNodes, maxLength);
        json = writer.Write(node) ? writer.ToString() : null;
        return json is not null;
    }

    /// <summary>Walks with an explicit stack: a caller-built tree may nest deeper than any call stack allows.</summary>
    private sealed class Writer(int maxNodes, int maxLength)
    {
        private readonly StringBuilder _json = new();
        private readonly Stack<Frame> _open = new();
        private long _visited;

        public bool Write(PlistNode root)
        {
            if (!Open(root))
            {
                return false;
            }

            while (_open.TryPeek(out var frame))
            {
                if (frame.Next == frame.Count)
                {
                    _open.Pop();
                    _json.Append(frame.Entries is null ? ']' : '}');
                    continue;
                }

                if (frame.Next > 0)
                {
                    _json.Append(',');
                }

                PlistNode child;
                if (frame.Entries is { } entries)
                {
                    AppendString(_json, entries[frame.Next].Key);
                    _json.Append(':');
                    child = entries[frame.Next].Value;
                }
                else
                {
                    child = frame.Array![frame.Next];
                }

                frame.Next++;
                if (!Open(child))
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => _json.ToString();

        private bool Open(PlistNode node)
        {
            if (++_visited > maxNodes)
            {
                return false;
            }

            switch (node)
            {
                case PlistArray array:
                    _json.Append('[');
                    _open.Push(new Frame(array, null));
                    break;
                case PlistDictionary dictionary:
                    _json.Append('{');
                    var entries = dictionary.ToArray();
                    Array.Sort(entries, static (a, b) => CompareCodePoints(a.Key, b.Key));
                    _open.Push(new Frame(null, entries));
                    break;
                default:
                    AppendScalar(_json, node);
                    break;
            }

            return _json.Length <= maxLength;
        }
    }

    private sealed class Frame(PlistArray? array, KeyValuePair<string, PlistNode>[]? entries)
    {
        public PlistArray? Array { get; } = array;

        public KeyValuePair<string, PlistNode>[]? Entries { get; } = entries;

        public int Count { get; } = array?.Count ?? entries!.Length;

        public int Next { get; set; }
    }

    private static void AppendScalar(StringBuilder json, PlistNode node)
    {
        switch (node)
        {
            case PlistString text:
                AppendString(json, text.Value);
                break;
            case PlistInteger integer:
                json.Append(integer.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case PlistReal real:
                AppendReal(json, real.Value);
                break;
            case PlistBoolean boolean:
                json.Append(boolean.Value ? "true" : "false");
                break;
            case PlistDate date:
                json.Append("{\"$date\":\"");
                AppendDate(json, date.Value);
                json.Append("\"}");
                break;
            case PlistData data:
                json.Append("{\"$data\":\"").Append(Convert.ToBase64String(data.Value.Span)).Append("\"}");
                break;
            case PlistUid uid:
                json.Append("{\"$uid\":").Append(uid.Value.ToString(CultureInfo.InvariantCulture)).Append('}');
                break;
            default:
                throw new ArgumentException($"Unknown plist node type {node.GetType().Name}.", nameof(node));
        }
    }

    // Python's sort_keys orders str by code point; UTF-16 ordinal order differs once surrogates meet U+E000+.
    internal static int CompareCodePoints(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return CodePointRank(a[i]) - CodePointRank(b[i]);
            }
        }

        return a.Length - b.Length;
    }

    private static int CodePointRank(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };

    // ensure_ascii=False: only quote, backslash and C0 controls are escaped. A lone surrogate, which no
    // reader here produces but a caller could, becomes \uXXXX so the output stays encodable.
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case '\b':
                    json.Append("\\b");
                    break;
                case '\f':
                    json.Append("\\f");
                    break;
                case < ' ':
                    AppendEscape(json, c);
                    break;
                case >= '\uD800' and <= '\uDBFF' when i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    json.Append(c).Append(value[++i]);
                    break;
                case >= '\uD800' and <= '\uDFFF':
                    AppendEscape(json, c);
                    break;
                default:
                    json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }

    private static void AppendEscape(StringBuilder json, char c) =>
        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, exponent form below 1e-4 or from 1e16.</summary>
    internal static void AppendReal(StringBuilder json, double value)
    {
        if (double.IsNaN(value))
        {
            json.Append("NaN");
            return;
        }

        if (double.IsInfinity(value))
        {
            json.Append(value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        if (value == 0)
        {
            json.Append(double.IsNegative(value) ? "-0.0" : "0.0");
            return;
        }

        var (negative, digits, pointPosition) = ShortestDigits(value);
        if (negative)
        {
            json.Append('-');
        }

        if (pointPosition is > -4 and <= 16)
        {
            if (pointPosition <= 0)
            {
                json.Append("0.").Append('0', -pointPosition).Append(digits);
            }
            else if (pointPosition >= digits.Length)
            {
                json.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
            }
            else
            {
                json.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
            }

            return;
        }

        json.Append(digits[0]);
        if (digits.Length > 1)
        {
            json.Append('.').Append(digits, 1, digits.Length - 1);
        }

        var exponent = pointPosition - 1;
        json.Append('e').Append(exponent < 0 ? '-' : '+')
            .Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
    }

    /// <summary>The shortest round-trip significant digits and where the point goes: value = 0.digits × 10^point.</summary>
    private static (bool Negative, string Digits, int PointPosition) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var pointPosition = point < 0 ? text.Length : point;
        var digits = point < 0 ? text : string.Concat(text.AsSpan(0, point), text.AsSpan(point + 1));
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        return (negative, digits, pointPosition - leadingZeros + exponent);
    }

    private static void AppendDate(StringBuilder json, DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        json.Append(utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        var subsecondTicks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (subsecondTicks != 0)
        {
            // Python's datetime holds microseconds and prints six digits; a caller-made date finer than
            // that keeps its seventh digit rather than being silently rounded.
            var format = subsecondTicks % 10 == 0 ? "000000" : "0000000";
            var fraction = subsecondTicks % 10 == 0 ? subsecondTicks / 10 : subsecondTicks;
            json.Append('.').Append(fraction.ToString(format, CultureInfo.InvariantCulture));
        }

        json.Append('Z');
    }
}
