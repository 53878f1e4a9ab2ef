using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

public sealed class PlistModelTests
{
    private static PlistDictionary InfoPlist() => new(
    [
        KeyValuePair.Create("CFBundleIdentifier", (PlistNode)new PlistString("com.example.app")),
        KeyValuePair.Create("ProvisionsAllDevices", (PlistNode)new PlistBoolean(true)),
        KeyValuePair.Create("Version", (PlistNode)new PlistInteger(1)),
        KeyValuePair.Create("Huge", (PlistNode)new PlistInteger(ulong.MaxValue)),
        KeyValuePair.Create("ExpirationDate", (PlistNode)new PlistDate(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))),
        KeyValuePair.Create("TeamIdentifier", (PlistNode)new PlistArray([new PlistString("ABCDE12345")])),
        KeyValuePair.Create("Entitlements", (PlistNode)PlistDictionary.Empty),
        KeyValuePair.Create("Mixed", (PlistNode)new PlistArray([new PlistString("a"), new PlistInteger(2)])),
        KeyValuePair.Create("Scale", (PlistNode)new PlistReal(2.5)),
        KeyValuePair.Create("Blob", (PlistNode)new PlistData([1, 2, 3])),
    ]);

    [Fact]
    public void Typed_getters_return_values_of_their_type_and_null_otherwise()
    {
        var info = InfoPlist();

        Assert.Equal("com.example.app", info.GetString("CFBundleIdentifier"));
        Assert.Null(info.GetString("ProvisionsAllDevices"));
        Assert.Null(info.GetString("Missing"));
        Assert.True(info.GetBoolean("ProvisionsAllDevices"));
        Assert.Null(info.GetBoolean("CFBundleIdentifier"));
        Assert.Equal(1, info.GetInt64("Version"));
        Assert.Null(info.GetInt64("Huge"));
        Assert.Equal(ulong.MaxValue, info.GetInteger("Huge")!.Value);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), info.GetDate("ExpirationDate"));
        Assert.Null(info.GetDate("Version"));
        Assert.Equal(["ABCDE12345"], info.GetStringArray("TeamIdentifier")!);
        Assert.Null(info.GetStringArray("Mixed"));
        Assert.Null(info.GetArray("Entitlements"));
        Assert.Same(PlistDictionary.Empty, info.GetDictionary("Entitlements"));
        Assert.Equal(2.5, info.GetReal("Scale"));
        Assert.Equal([1, 2, 3], info.GetData("Blob")!.Value.ToArray());
    }

    [Fact]
    public void Dictionary_enumerates_in_insertion_order_and_indexes_by_key()
    {
        var info = InfoPlist();

        Assert.Equal("CFBundleIdentifier", info.First().Key);
        Assert.Equal("Blob", info.Last().Key);
        Assert.Equal(10, info.Count);
        Assert.True(info.ContainsKey("Scale"));
        Assert.IsType<PlistReal>(info["Scale"]);
        Assert.Throws<KeyNotFoundException>(() => info["scale"]);
    }

    [Fact]
    public void Dictionary_refuses_a_repeated_key()
    {
        Assert.Throws<ArgumentException>(() => new PlistDictionary(
        [
            KeyValuePair.Create("k", (PlistNode)new PlistBoolean(true)),
            KeyValuePair.Create("k", (PlistNode)new PlistBoolean(false)),
        ]));
    }

    [Fact]
    public void Integer_spans_minus_2_pow_63_to_2_pow_64_minus_1()
    {
        Assert.Equal(PlistInteger.MaxValue, new PlistInteger(ulong.MaxValue).Value);
        Assert.Equal(PlistInteger.MinValue, new PlistInteger(long.MinValue).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistInteger((Int128)ulong.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistInteger((Int128)long.MinValue - 1));
    }

    [Fact]
    public void Integer_accessors_say_when_the_value_does_not_fit()
    {
        var negative = new PlistInteger(-5);
        var big = new PlistInteger((ulong)long.MaxValue + 1);

        Assert.True(negative.TryGetInt64(out var asLong) && asLong == -5);
        Assert.True(negative.TryGetInt32(out var asInt) && asInt == -5);
        Assert.False(negative.TryGetUInt64(out _));
        Assert.True(negative.IsNegative);
        Assert.False(big.TryGetInt64(out _));
        Assert.False(big.TryGetInt32(out _));
        Assert.True(big.TryGetUInt64(out var asULong) && asULong == 9223372036854775808UL);
    }

    [Fact]
    public void Data_keeps_its_own_copy_and_compares_by_content()
    {
        byte[] source = [1, 2, 3];
        var data = new PlistData(source);
        source[0] = 9;

        Assert.Equal([1, 2, 3], data.Value.ToArray());
        Assert.Equal(new PlistData([1, 2, 3]), data);
        Assert.Equal(new PlistData([1, 2, 3]).GetHashCode(), data.GetHashCode());
        Assert.NotEqual(new PlistData([1, 2]), data);
    }

    [Fact]
    public void Dates_are_held_in_utc()
    {
        var date = new PlistDate(new DateTimeOffset(2014, 11, 13, 9, 0, 0, TimeSpan.FromHours(1)));

        Assert.Equal(TimeSpan.Zero, date.Value.Offset);
        Assert.Equal(8, date.Value.Hour);
    }

    [Fact]
    public void Scalars_compare_by_value()
    {
        Assert.Equal(new PlistString("a"), new PlistString("a"));
        Assert.Equal(new PlistInteger(7), new PlistInteger(7));
        Assert.NotEqual<PlistNode>(new PlistInteger(1), new PlistBoolean(true));
        Assert.Equal(new PlistUid(3), new PlistUid(3));
    }

    [Fact]
    public void Containers_compare_by_reference_so_equality_never_walks_a_shared_tree()
    {
        var array = new PlistArray([new PlistString("a")]);

        Assert.Equal(array, array);
        Assert.NotEqual(new PlistArray([new PlistString("a")]), array);
        Assert.NotEqual(new PlistDictionary([]), PlistDictionary.Empty);
        Assert.Equal("PlistArray { Count = 1 }", array.ToString());
    }

    [Fact]
    public void Array_copies_the_items_it_is_given()
    {
        var items = new List<PlistNode> { new PlistBoolean(true) };
        var array = new PlistArray(items);
        items.Add(new PlistBoolean(false));

        Assert.Single(array);
    }

    [Fact]
    public void Reader_options_refuse_non_positive_limits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxBytes = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxNodes = 0 });
        Assert.Equal(128, PlistReaderOptions.Default.MaxDepth);
    }
}
