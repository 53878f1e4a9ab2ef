using System.Buffers.Binary;
using System.Text;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

public sealed class PlistWriterTests
{
    [Fact]
    public void A_one_entry_dictionary_is_written_byte_for_byte_as_domain_vector_T1()
    {
        var bytes = PlistWriter.ToBinary(Dictionary(("a", new PlistInteger(1))));

        Assert.Equal(
            Hex("""
                62 70 6c 69 73 74 30 30 d1 01 02 51 61 10 01 08 0b 0d 00 00 00 00 00 00 01 01
                00 00 00 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0f
                """),
            bytes);
    }

    [Fact]
    public void An_array_of_string_bool_and_300_is_written_byte_for_byte_as_domain_vector_T2()
    {
        var bytes = PlistWriter.ToBinary(new PlistArray([new PlistString("ab"), new PlistBoolean(true), new PlistInteger(300)]));

        Assert.Equal(
            Hex("""
                62 70 6c 69 73 74 30 30 a3 01 02 03 52 61 62 09 11 01 2c 08 0c 0f 10 00
                00 00 00 00 00 01 01 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 13
                """),
            bytes);
    }

    [Theory]
    [InlineData("0", "1000")]
    [InlineData("255", "10ff")]
    [InlineData("256", "110100")]
    [InlineData("65535", "11ffff")]
    [InlineData("65536", "1200010000")]
    [InlineData("4294967295", "12ffffffff")]
    [InlineData("4294967296", "130000000100000000")]
    [InlineData("9223372036854775807", "137fffffffffffffff")]
    [InlineData("-1", "13ffffffffffffffff")]
    [InlineData("-9223372036854775808", "138000000000000000")]
    [InlineData("9223372036854775808", "1400000000000000008000000000000000")]
    [InlineData("18446744073709551615", "140000000000000000ffffffffffffffff")]
    public void Integers_take_the_smallest_marker_of_the_domain_table(string value, string expectedObjectHex)
    {
        var bytes = PlistWriter.ToBinary(new PlistInteger(Int128.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expectedObjectHex, Convert.ToHexString(TopObject(bytes)).ToLowerInvariant());
    }

    [Fact]
    public void The_2014_alert_date_is_written_as_float64_seconds_since_2001_as_in_T5()
    {
        var bytes = PlistWriter.ToBinary(new PlistDate(new DateTimeOffset(2014, 11, 13, 8, 0, 0, TimeSpan.Zero)));

        Assert.Equal("3341ba149c80000000", Convert.ToHexString(TopObject(bytes)).ToLowerInvariant());
    }

    [Theory]
    [InlineData("bank", 0x54)]
    [InlineData("é", 0x61)]
    [InlineData("😀", 0x62)]
    [InlineData("CFBundleIdentifier", 0x5F)]
    public void Strings_are_ascii_when_they_can_be_and_utf16_counted_in_code_units_otherwise(string text, int expectedMarker)
    {
        var top = TopObject(PlistWriter.ToBinary(new PlistString(text)));

        Assert.Equal(expectedMarker, top[0]);
    }

    [Fact]
    public void Long_strings_carry_their_count_as_a_following_integer_object_as_in_T7()
    {
        var top = TopObject(PlistWriter.ToBinary(new PlistString(new string('A', 15))));

        Assert.Equal(Hex("5f 10 0f" + string.Concat(Enumerable.Repeat(" 41", 15))), top);
    }

    [Fact]
    public void Reference_and_offset_widths_grow_to_two_bytes_exactly_at_256_objects()
    {
        var justBelow = PlistWriter.ToBinary(new PlistArray(Enumerable.Range(0, 254).Select(i => (PlistNode)new PlistInteger(i))));
        var atLimit = PlistWriter.ToBinary(new PlistArray(Enumerable.Range(0, 255).Select(i => (PlistNode)new PlistInteger(i))));

        Assert.Equal((OffsetSize: 2, RefSize: 1, Objects: 255UL), Trailer(justBelow));
        Assert.Equal((OffsetSize: 2, RefSize: 2, Objects: 256UL), Trailer(atLimit));
        Assert.Equal(255, ((PlistArray)PlistReader.Read(atLimit).Root).Count);
    }

    [Fact]
    public void A_small_plist_uses_one_byte_offsets_and_references()
    {
        var bytes = PlistWriter.ToBinary(Dictionary(("CFBundleIdentifier", new PlistString("com.example.bank"))));

        Assert.Equal((OffsetSize: 1, RefSize: 1, Objects: 3UL), Trailer(bytes));
    }

    [Fact]
    public void Equal_scalars_and_a_shared_container_are_written_once()
    {
        var shared = new PlistArray([new PlistString("x"), new PlistInteger(7)]);
        var root = new PlistArray([shared, shared, new PlistString("x"), new PlistInteger(7)]);

        var bytes = PlistWriter.ToBinary(root);

        Assert.Equal(4UL, Trailer(bytes).Objects);
        var read = (PlistArray)PlistReader.Read(bytes).Root;
        Assert.Same(read[0], read[1]);
        PlistTrees.AssertSame(root, read, anyNaN: false);
    }

    [Fact]
    public void Positive_and_negative_zero_stay_distinct_in_both_forms()
    {
        var root = new PlistArray([new PlistReal(0.0), new PlistReal(-0.0)]);

        foreach (var bytes in new[] { PlistWriter.ToBinary(root), PlistWriter.ToXml(root) })
        {
            var read = (PlistArray)PlistReader.Read(bytes).Root;
            Assert.False(double.IsNegative(((PlistReal)read[0]).Value));
            Assert.True(double.IsNegative(((PlistReal)read[1]).Value));
        }
    }

    [Fact]
    public void Xml_output_has_apples_header_and_doctype_and_tab_indentation()
    {
        var root = Dictionary(
            ("CFBundleIdentifier", new PlistString("com.example.bank")),
            ("CFBundleURLTypes", new PlistArray([Dictionary(("CFBundleURLSchemes", new PlistArray([new PlistString("bank")])))])),
            ("NSAllowsArbitraryLoads", new PlistBoolean(true)),
            ("Count", new PlistInteger(-5)),
            ("Ratio", new PlistReal(0.5)),
            ("Created", new PlistDate(new DateTimeOffset(2014, 11, 13, 8, 0, 0, TimeSpan.Zero))),
            ("Blob", new PlistData([0, 1, 2, 3])),
            ("Empty", PlistArray.Empty));

        var xml = Encoding.UTF8.GetString(PlistWriter.ToXml(root));

        Assert.Equal(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
            	<key>CFBundleIdentifier</key>
            	<string>com.example.bank</string>
            	<key>CFBundleURLTypes</key>
            	<array>
            		<dict>
            			<key>CFBundleURLSchemes</key>
            			<array>
            				<string>bank</string>
            			</array>
            		</dict>
            	</array>
            	<key>NSAllowsArbitraryLoads</key>
            	<true/>
            	<key>Count</key>
            	<integer>-5</integer>
            	<key>Ratio</key>
            	<real>0.5</real>
            	<key>Created</key>
            	<date>2014-11-13T08:00:00Z</date>
            	<key>Blob</key>
            	<data>
            	AAECAw==
            	</data>
            	<key>Empty</key>
            	<array/>
            </dict>
            </plist>

            """,
            xml);
    }

    [Fact]
    public void Xml_escapes_markup_and_carriage_returns_so_the_text_reads_back_unchanged()
    {
        const string text = "a<b>&c\r\nd]]>e\rf";

        var bytes = PlistWriter.ToXml(Dictionary((text, new PlistString(text))));

        Assert.Contains("a&lt;b&gt;&amp;c&#13;\nd]]&gt;e&#13;f", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var read = (PlistDictionary)PlistReader.Read(bytes).Root;
        Assert.Equal(text, read.GetString(text));
    }

    [Fact]
    public void Non_finite_reals_use_cfs_spellings_in_xml()
    {
        var root = new PlistArray([new PlistReal(double.NaN), new PlistReal(double.PositiveInfinity), new PlistReal(double.NegativeInfinity)]);

        var xml = Encoding.UTF8.GetString(PlistWriter.ToXml(root));

        Assert.Contains("<real>nan</real>", xml, StringComparison.Ordinal);
        Assert.Contains("<real>+infinity</real>", xml, StringComparison.Ordinal);
        Assert.Contains("<real>-infinity</real>", xml, StringComparison.Ordinal);
        PlistTrees.AssertSame(root, PlistReader.Read(Encoding.UTF8.GetBytes(xml)).Root, anyNaN: true);
    }

    [Fact]
    public void Long_data_is_wrapped_at_76_base64_characters_per_line()
    {
        var data = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();

        var xml = Encoding.UTF8.GetString(PlistWriter.ToXml(new PlistData(data)));

        var lines = xml.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('<')).ToArray();
        Assert.Equal([76, 76, 76, 40], lines.Select(line => line.Length));
        Assert.Equal(data, ((PlistData)PlistReader.Read(Encoding.UTF8.GetBytes(xml)).Root).Value.ToArray());
    }

    [Fact]
    public void A_uid_is_binary_marker_8n_and_cfs_one_key_dictionary_in_xml()
    {
        var binary = PlistReader.Read(PlistWriter.ToBinary(new PlistUid(256)));
        var xml = PlistReader.Read(PlistWriter.ToXml(new PlistUid(256)));

        Assert.Equal(new PlistUid(256), binary.Root);
        Assert.True(binary.ContainsUid);
        Assert.True(xml.ContainsUid);
        Assert.Equal(256, ((PlistDictionary)xml.Root).GetInt64("CF$UID"));
    }

    [Fact]
    public void Nesting_128_containers_deep_is_written_and_read_while_129_is_refused()
    {
        PlistNode Nest(int depth) => Enumerable.Range(0, depth).Aggregate((PlistNode)new PlistInteger(1), (inner, _) => new PlistArray([inner]));

        var deepest = Nest(128);
        PlistTrees.AssertSame(deepest, PlistReader.Read(PlistWriter.ToBinary(deepest)).Root, anyNaN: false);
        PlistTrees.AssertSame(deepest, PlistReader.Read(PlistWriter.ToXml(deepest)).Root, anyNaN: false);
        Assert.Throws<ArgumentException>(() => PlistWriter.ToBinary(Nest(129)));
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(Nest(129)));
    }

    [Fact]
    public void A_shared_container_too_deep_at_its_second_place_is_refused()
    {
        PlistNode Nest(PlistNode inner, int depth) => Enumerable.Range(0, depth).Aggregate(inner, (node, _) => new PlistArray([node]));
        var shared = Nest(new PlistInteger(1), 100);

        var root = new PlistArray([shared, Nest(shared, 40)]);

        Assert.Throws<ArgumentException>(() => PlistWriter.ToBinary(root));
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(root));
    }

    [Fact]
    public void A_lone_surrogate_is_refused_by_both_forms()
    {
        var root = new PlistString("bad \uD800 text");

        Assert.Throws<ArgumentException>(() => PlistWriter.ToBinary(root));
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(root));
    }

    [Fact]
    public void Xml_refuses_control_characters_that_binary_carries()
    {
        var root = Dictionary(("bell", new PlistString("ding\u0007")));

        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(root));
        Assert.Equal("ding\u0007", ((PlistDictionary)PlistReader.Read(PlistWriter.ToBinary(root)).Root).GetString("bell"));
    }

    [Fact]
    public void Xml_refuses_a_date_with_a_fraction_of_a_second_that_binary_carries()
    {
        var date = new PlistDate(new DateTimeOffset(2014, 11, 13, 8, 0, 0, 500, TimeSpan.Zero));

        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(date));
        Assert.Equal(date, PlistReader.Read(PlistWriter.ToBinary(date)).Root);
    }

    [Fact]
    public void Dates_at_the_ends_of_the_supported_years_round_trip_in_both_forms()
    {
        var first = new PlistDate(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var last = new PlistDate(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero));

        foreach (var date in new[] { first, last })
        {
            Assert.Equal(date, PlistReader.Read(PlistWriter.ToBinary(date)).Root);
            Assert.Equal(date, PlistReader.Read(PlistWriter.ToXml(date)).Root);
        }
    }

    [Fact]
    public void A_node_type_the_writer_does_not_know_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PlistWriter.ToBinary(new StrangeNode()));
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(new StrangeNode()));
    }

    private static PlistDictionary Dictionary(params (string Key, PlistNode Value)[] entries) =>
        new(entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));

    private static byte[] Hex(string spaced) =>
        Convert.FromHexString(string.Concat(spaced.Where(char.IsAsciiHexDigit)));

    /// <summary>The bytes of the top object of a single-object plist: from offset 8 to the offset table.</summary>
    private static byte[] TopObject(byte[] bytes)
    {
        var tableOffset = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(bytes.Length - 8));
        return bytes[8..tableOffset];
    }

    private static (int OffsetSize, int RefSize, ulong Objects) Trailer(byte[] bytes)
    {
        var trailer = bytes.AsSpan(bytes.Length - 32);
        return (trailer[6], trailer[7], BinaryPrimitives.ReadUInt64BigEndian(trailer[8..]));
    }

    private sealed record StrangeNode : PlistNode;
}
