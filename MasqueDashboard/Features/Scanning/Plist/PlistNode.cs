using System.Text;

namespace MasqueDashboard.Features.Scanning.Plist;

/// <summary>
/// One value of a property list. The model is immutable; containers may share children (binary plists
/// reference one object from many places), so the model is a DAG, never a cycle.
/// </summary>
public abstract record PlistNode;

public sealed record PlistString : PlistNode
{
    public PlistString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    public string Value { get; }
}

/// <summary>
/// An integer as CF stores it: anything from −2^63 (binary marker 0x13) to 2^64−1 (marker 0x14 with
/// a zero high half, or an XML literal), DOMAIN §3.2–3.3 and T3/T4/T11.
/// </summary>
public sealed record PlistInteger : PlistNode
{
    public static readonly Int128 MinValue = long.MinValue;
    public static readonly Int128 MaxValue = ulong.MaxValue;

    public PlistInteger(Int128 value)
    {
        if (value < MinValue || value > MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A plist integer lies in −2^63 … 2^64−1.");
        }

        Value = value;
    }

    public Int128 Value { get; }

    public bool IsNegative => Value < 0;

    public bool TryGetInt64(out long value)
    {
        if (Value <= long.MaxValue)
        {
            value = (long)Value;
            return true;
        }

        value = 0;
        return false;
    }

    public bool TryGetUInt64(out ulong value)
    {
        if (Value >= 0)
        {
            value = (ulong)Value;
            return true;
        }

        value = 0;
        return false;
    }

    public bool TryGetInt32(out int value)
    {
        if (Value >= int.MinValue && Value <= int.MaxValue)
        {
            value = (int)Value;
            return true;
        }

        value = 0;
        return false;
    }
}

public sealed record PlistReal(double Value) : PlistNode;

public sealed record PlistBoolean(bool Value) : PlistNode;

/// <summary>A date, always held in UTC (CF dates carry no zone).</summary>
public sealed record PlistDate : PlistNode
{
    public PlistDate(DateTimeOffset value)
    {
        Value = value.ToUniversalTime();
    }

    public DateTimeOffset Value { get; }
}

/// <summary>Raw bytes. The node owns a private copy, so nothing outside can change them.</summary>
public sealed record PlistData : PlistNode
{
    private readonly byte[] _bytes;

    public PlistData(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes.ToArray();
    }

    private PlistData(byte[] owned)
    {
        _bytes = owned;
    }

    public ReadOnlyMemory<byte> Value => _bytes;

    public int Length => _bytes.Length;

    internal static PlistData TakeOwnership(byte[] owned) => new(owned);

    public bool Equals(PlistData? other) =>
        other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Length = ").Append(_bytes.Length);
        return true;
    }
}

/// <summary>
/// A keyed-archiver UID (binary marker 0x8n). Only NSKeyedArchiver output has these; an Info.plist or a
/// profile that holds one deserves a finding (DOMAIN §3.3, T6), hence <see cref="PlistDocument.ContainsUid"/>.
/// </summary>
public sealed record PlistUid(uint Value) : PlistNode;
