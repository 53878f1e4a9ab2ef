using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// An immutable dictionary with string keys, enumerated in the order the file lists them. Keys are unique:
/// the readers refuse a repeated key, because CF, CPython, libxml2-based tools and libplist do not agree
/// on which duplicate wins (go-plist's s11 sample records three answers), and a scanner must not judge a
/// value the device may never see. Equality is by reference, as for <see cref="PlistArray"/>.
/// </summary>
public sealed record PlistDictionary : PlistNode, IReadOnlyDictionary<string, PlistNode>
{
    private readonly KeyValuePair<string, PlistNode>[] _entries;
    private readonly Dictionary<string, int> _index;

    public PlistDictionary(IEnumerable<KeyValuePair<string, PlistNode>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
        _index = new Dictionary<string, int>(_entries.Length, StringComparer.Ordinal);
        for (var i = 0; i < _entries.Length; i++)
        {
            var (key, value) = _entries[i];
            ArgumentNullException.ThrowIfNull(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(value, nameof(entries));
            if (!_index.TryAdd(key, i))
            {
                throw new ArgumentException($"The key '{key}' appears twice.", nameof(entries));
            }
        }
    }

    private PlistDictionary(KeyValuePair<string, PlistNode>[] owned, Dictionary<string, int> index)
    {
        _entries = owned;
        _index = index;
    }

    public static PlistDictionary Empty { get; } = new([], new Dictionary<string, int>(StringComparer.Ordinal));

    public int Count => _entries.Length;

    public IEnumerable<string> Keys => _entries.Select(entry => entry.Key);

    public IEnumerable<PlistNode> Values => _entries.Select(entry => entry.Value);

    public PlistNode this[string key] =>
        _index.TryGetValue(key, out var i) ? _entries[i].Value : throw new KeyNotFoundException($"No key '{key}'.");

    /// <summary>Builds from entries the caller has already checked for repeats; the index proves it.</summary>
    internal static PlistDictionary TakeOwnership(KeyValuePair<string, PlistNode>[] owned, Dictionary<string, int> index) =>
        new(owned, index);

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out PlistNode value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = _entries[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The value under <paramref name="key"/> if it is a <typeparamref name="TNode"/>, else null.</summary>
    public TNode? Get<TNode>(string key)
        where TNode : PlistNode =>
        TryGetValue(key, out var value) ? value as TNode : null;

    public string? GetString(string key) => Get<PlistString>(key)?.Value;

    public bool? GetBoolean(string key) => Get<PlistBoolean>(key)?.Value;

    public PlistInteger? GetInteger(string key) => Get<PlistInteger>(key);

    /// <summary>The integer under <paramref name="key"/> when it fits a long; null when absent, of another type or above 2^63−1.</summary>
    public long? GetInt64(string key) => GetInteger(key) is { } integer && integer.TryGetInt64(out var value) ? value : null;

    public double? GetReal(string key) => Get<PlistReal>(key)?.Value;

    public DateTimeOffset? GetDate(string key) => Get<PlistDate>(key)?.Value;

    public ReadOnlyMemory<byte>? GetData(string key) => Get<PlistData>(key)?.Value;

    public PlistArray? GetArray(string key) => Get<PlistArray>(key);

    public PlistDictionary? GetDictionary(string key) => Get<PlistDictionary>(key);

    /// <summary>The strings of the array under <paramref name="key"/>; null when absent, not an array, or holding a non-string.</summary>
    public IReadOnlyList<string>? GetStringArray(string key)
    {
        if (GetArray(key) is not { } array)
        {
            return null;
        }

        var strings = new string[array.Count];
        for (var i = 0; i < strings.Length; i++)
        {
            if (array[i] is not PlistString text)
            {
                return null;
            }

            strings[i] = text.Value;
        }

        return strings;
    }

    public IEnumerator<KeyValuePair<string, PlistNode>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, PlistNode>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(PlistDictionary? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Count = ").Append(_entries.Length);
        return true;
    }
}
