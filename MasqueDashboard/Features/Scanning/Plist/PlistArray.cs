using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// An immutable array. A record only because C# lets records derive from records alone; equality is by
/// reference, since structural equality over shared children costs 2^depth on a hostile DAG (DOMAIN §3.4).
/// Compare contents with <see cref="PlistJson"/>, which bounds its work.
/// </summary>
public sealed record PlistArray : PlistNode, IReadOnlyList<PlistNode>
{
    private readonly PlistNode[] _items;

    public PlistArray(IEnumerable<PlistNode> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        foreach (var item in _items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
        }
    }

    private PlistArray(PlistNode[] owned)
    {
        _items = owned;
    }

    public static PlistArray Empty { get; } = new(Array.Empty<PlistNode>());

    public int Count => _items.Length;

    public PlistNode this[int index] => _items[index];

    internal static PlistArray TakeOwnership(PlistNode[] owned) => new(owned);

    public IEnumerator<PlistNode> GetEnumerator() => ((IEnumerable<PlistNode>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(PlistArray? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Count = ").Append(_items.Length);
        return true;
    }
}
