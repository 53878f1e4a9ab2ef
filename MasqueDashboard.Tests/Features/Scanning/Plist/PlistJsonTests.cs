using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

public sealed class PlistJsonTests
{
    private static string Json(PlistNode node) => PlistJson.ToCanonicalJson(node);

    private static PlistDictionary Dictionary(params (string Key, PlistNode Value)[] entries) =>
        new(entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NegativeZero, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.47, "0.47")]
    [InlineData(-13197600000.0, "-13197600000.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData((double)0.1f, "0.10000000149011612")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Reals_print_as_python_repr(double value, string expected)
    {
        Assert.Equal(expected, Json(new PlistReal(value)));
    }

    [Fact]
    public void Keys_sort_by_code_point_not_by_utf16_unit()
    {
        var json = Json(Dictionary(("\U0001F600", new PlistBoolean(true)), ("\uFF61", new PlistBoolean(false)), ("b", new PlistBoolean(true)), ("B", new PlistBoolean(true))));

        Assert.Equal("{\"B\":true,\"b\":true,\"\uFF61\":false,\"\U0001F600\":true}", json);
    }

    [Fact]
    public void Strings_escape_only_quotes_backslashes_and_control_characters()
    {
        var json = Json(new PlistString("\"\\/\n\r\t\b\f\u0001\u001f\u007f é😀"));

        Assert.Equal("\"\\\"\\\\/\\n\\r\\t\\b\\f\\u0001\\u001f\u007f é😀\"", json);
    }

    [Fact]
    public void Lone_surrogates_are_escaped_so_the_output_stays_encodable()
    {
        Assert.Equal("\"a\\ud800b\\udc00\"", Json(new PlistString("a\ud800b\udc00")));
    }

    [Fact]
    public void Scalars_use_the_fixture_conventions()
    {
        var json = Json(new PlistArray(
        [
            new PlistInteger(ulong.MaxValue),
            new PlistInteger(long.MinValue),
            new PlistBoolean(false),
            new PlistData("<binary gunk>"u8),
            new PlistData([]),
            new PlistUid(42),
            new PlistDate(new DateTimeOffset(2014, 11, 13, 9, 0, 0, TimeSpan.FromHours(1))),
            new PlistDate(new DateTimeOffset(2010, 8, 19, 22, 27, 30, TimeSpan.Zero).AddTicks(3_854_490)),
            new PlistDate(new DateTimeOffset(1, 12, 30, 0, 0, 0, TimeSpan.Zero).AddTicks(5_000_000)),
            new PlistDate(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1)),
        ]));

        Assert.Equal(
            "[18446744073709551615,-9223372036854775808,false,{\"$data\":\"PGJpbmFyeSBndW5rPg==\"},{\"$data\":\"\"},{\"$uid\":42}," +
            "{\"$date\":\"2014-11-13T08:00:00Z\"},{\"$date\":\"2010-08-19T22:27:30.385449Z\"}," +
            "{\"$date\":\"0001-12-30T00:00:00.500000Z\"},{\"$date\":\"2001-01-01T00:00:00.0000001Z\"}]",
            json);
    }

    [Fact]
    public void Caller_built_tree_of_200000_levels_is_written_without_recursion()
    {
        PlistNode node = new PlistBoolean(true);
        for (var i = 0; i < 200_000; i++)
        {
            node = new PlistArray([node]);
        }

        var json = PlistJson.ToCanonicalJson(node, maxNodes: 300_000);

        Assert.Equal((2 * 200_000) + 4, json.Length);
        Assert.StartsWith("[[[", json, StringComparison.Ordinal);
    }

    [Fact]
    public void DAG_of_30_levels_sharing_one_child_exceeds_the_node_bound()
    {
        PlistNode node = new PlistString("leaf");
        for (var i = 0; i < 30; i++)
        {
            node = new PlistArray([node, node]);
        }

        Assert.False(PlistJson.TryToCanonicalJson(node, out var json));
        Assert.Null(json);
        Assert.Throws<InvalidOperationException>(() => PlistJson.ToCanonicalJson(node));
    }

    [Fact]
    public void Binary_DAG_bomb_admitted_by_a_lax_reader_is_still_stopped_by_the_writer()
    {
        var document = PlistReader.Read(Bplist.SharedChildBomb(30), new PlistReaderOptions { MaxNodes = int.MaxValue });

        Assert.False(PlistJson.TryToCanonicalJson(document.Root, out _));
    }

    [Fact]
    public void Node_bound_counts_every_place_a_shared_child_appears()
    {
        PlistNode node = new PlistBoolean(true);
        for (var i = 0; i < 3; i++)
        {
            node = new PlistArray([node, node]);
        }

        Assert.True(PlistJson.TryToCanonicalJson(node, out _, maxNodes: 15));
        Assert.False(PlistJson.TryToCanonicalJson(node, out _, maxNodes: 14));
    }

    [Fact]
    public void Output_length_is_bounded_when_a_long_string_is_shared()
    {
        var text = new PlistString(new string('x', 10_000));
        var array = new PlistArray(Enumerable.Repeat<PlistNode>(text, 1_000));

        Assert.False(PlistJson.TryToCanonicalJson(array, out _, maxLength: 1_000_000));
        Assert.True(PlistJson.TryToCanonicalJson(array, out var json, maxLength: 20_000_000));
        Assert.Equal((1_000 * 10_002) + 999 + 2, json!.Length);
    }
}
