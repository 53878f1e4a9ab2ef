using System.Globalization;
using System.Text;
using System.Xml;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

public sealed class XmlPlistReaderTests
{
    private const string Prolog =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n";

    private static byte[] Document(string value) => Encoding.UTF8.GetBytes($"{Prolog}<plist version=\"1.0\">{value}</plist>\n");

    private static PlistNode Root(string value, PlistReaderOptions? options = null) =>
        PlistReader.Read(Document(value), options).Root;

    private static PackageFormatException Refused(byte[] bytes, PlistReaderOptions? options = null) =>
        Assert.Throws<PackageFormatException>(() => PlistReader.Read(bytes, options));

    private static PackageFormatException RefusedValue(string value, PlistReaderOptions? options = null) =>
        Refused(Document(value), options);

    [Fact]
    public void T12_plist_with_apples_doctype_reads_as_xml()
    {
        var document = PlistReader.Read(Document("<dict><key>CFBundleIdentifier</key><string>com.example.app</string></dict>"));

        Assert.Equal(PlistFormat.Xml, document.Format);
        Assert.False(document.ContainsUid);
        Assert.Equal("com.example.app", Assert.IsType<PlistDictionary>(document.Root).GetString("CFBundleIdentifier"));
    }

    [Fact]
    public void T12_external_entity_is_refused_as_undeclared()
    {
        var bytes = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" +
            "<plist version=\"1.0\"><string>&xxe;</string></plist>");
        var error = Refused(bytes);

        Assert.IsType<XmlException>(error.InnerException);
        Assert.Contains("undeclared entity 'xxe'", error.Message, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(bytes).IndexOf("xxe;", StringComparison.Ordinal), error.Offset);
    }

    [Fact]
    public void Internal_entity_is_refused_as_undeclared()
    {
        var bytes = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY name \"replacement\">]>\n" +
            "<plist version=\"1.0\"><string>&name;</string></plist>");

        Assert.Contains("undeclared entity 'name'", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Billion_laughs_entity_expansion_is_refused()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            entities.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};&lol{i - 1};\">");
        }

        var bytes = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?><!DOCTYPE plist [{entities}]><plist><string>&lol9;</string></plist>");

        Assert.Contains("undeclared entity 'lol9'", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predefined_entities_and_character_references_are_decoded()
    {
        var text = Assert.IsType<PlistString>(Root("<string>&lt;&gt;&amp;&apos;&quot; &#169;&#x41;&#x1F600;</string>"));

        Assert.Equal("<>&'\" ©A😀", text.Value);
    }

    [Fact]
    public void String_content_keeps_whitespace_cdata_and_skips_comments()
    {
        var text = Assert.IsType<PlistString>(Root("<string>  a\n\tb <!-- note --><![CDATA[<c>]]> </string>"));

        Assert.Equal("  a\n\tb <c> ", text.Value);
    }

    [Fact]
    public void Empty_elements_read_as_empty_values()
    {
        var array = Assert.IsType<PlistArray>(Root("<array><string/><data/><array/><dict/></array>"));

        Assert.Equal("", Assert.IsType<PlistString>(array[0]).Value);
        Assert.Equal(0, Assert.IsType<PlistData>(array[1]).Length);
        Assert.Empty(Assert.IsType<PlistArray>(array[2]));
        Assert.Empty(Assert.IsType<PlistDictionary>(array[3]));
    }

    [Fact]
    public void Booleans_read_from_empty_elements()
    {
        var array = Assert.IsType<PlistArray>(Root("<array><true/><false/><true></true></array>"));

        Assert.Equal([true, false, true], array.Select(node => Assert.IsType<PlistBoolean>(node).Value));
    }

    [Fact]
    public void Boolean_holding_text_is_refused()
    {
        RefusedValue("<true>yes</true>");
    }

    [Fact]
    public void T5_xml_date_reads_as_the_same_instant_as_the_binary_one()
    {
        var date = Assert.IsType<PlistDate>(Root("<date>2014-11-13T08:00:00Z</date>"));

        Assert.Equal(new DateTimeOffset(2014, 11, 13, 8, 0, 0, TimeSpan.Zero), date.Value);
        Assert.Equal(437558400, (date.Value - new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds);
    }

    [Theory]
    [InlineData("2014-11-13T08:00:00.5Z")]
    [InlineData("2014-11-13T08:00:00+01:00")]
    [InlineData("2014-11-13T08:00:00")]
    [InlineData("2014-11Z")]
    [InlineData("2014-11-13Z")]
    [InlineData(" 2014-11-13T08:00:00Z")]
    [InlineData("2014-11-13 08:00:00Z")]
    [InlineData("2014-02-30T00:00:00Z")]
    [InlineData("2014-13-01T00:00:00Z")]
    [InlineData("2014-11-13T24:00:00Z")]
    [InlineData("2014-11-13T08:60:00Z")]
    [InlineData("2014-11-13T08:00:60Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("-2014-11-13T08:00:00Z")]
    [InlineData("２０１４-11-13T08:00:00Z")]
    [InlineData("")]
    public void T5_dates_other_than_CFs_one_form_are_refused(string text)
    {
        RefusedValue($"<date>{text}</date>");
    }

    [Theory]
    [InlineData("0x10", "16")]
    [InlineData("0X10", "16")]
    [InlineData("-0x10", "-16")]
    [InlineData("+0xfF", "255")]
    [InlineData("0123", "123")]
    [InlineData(" \n 42\t", "42")]
    [InlineData("-0", "0")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("0xFFFFFFFFFFFFFFFF", "18446744073709551615")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("-0x8000000000000000", "-9223372036854775808")]
    public void T11_integers_follow_CFs_grammar(string text, string expected)
    {
        var integer = Assert.IsType<PlistInteger>(Root($"<integer>{text}</integer>"));

        Assert.Equal(Int128.Parse(expected, CultureInfo.InvariantCulture), integer.Value);
    }

    [Theory]
    [InlineData("1_000")]
    [InlineData("18446744073709551616")]
    [InlineData("0x10000000000000000")]
    [InlineData("-9223372036854775809")]
    [InlineData("-0x8000000000000001")]
    [InlineData("99999999999999999999999999999999999999999999")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0x")]
    [InlineData("-")]
    [InlineData("--1")]
    [InlineData("+-1")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("0x-1")]
    [InlineData("1 2")]
    [InlineData("٣")]
    [InlineData("not integer")]
    public void T11_integers_outside_CFs_grammar_or_range_are_refused(string text)
    {
        RefusedValue($"<integer>{text}</integer>");
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-2e3", -2000.0)]
    [InlineData(" .5 ", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("+1E-2", 0.01)]
    [InlineData("32", 32.0)]
    [InlineData("1e999", double.PositiveInfinity)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+Infinity", double.PositiveInfinity)]
    [InlineData("-INF", double.NegativeInfinity)]
    [InlineData("-infinity", double.NegativeInfinity)]
    [InlineData("nan", double.NaN)]
    [InlineData("NaN", double.NaN)]
    public void Reals_are_decimal_or_CFs_nan_and_infinity_spellings(string text, double expected)
    {
        Assert.Equal(expected, Assert.IsType<PlistReal>(Root($"<real>{text}</real>")).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1e")]
    [InlineData(".")]
    [InlineData("Infinity1")]
    [InlineData("1,5")]
    [InlineData("∞")]
    [InlineData("١")]
    public void Reals_outside_that_grammar_are_refused(string text)
    {
        RefusedValue($"<real>{text}</real>");
    }

    [Fact]
    public void Data_is_base64_with_whitespace_anywhere()
    {
        var data = Assert.IsType<PlistData>(Root("<data>\n\tPGJp bmFy\n eSBndW5rPg==\n</data>"));

        Assert.Equal("<binary gunk>"u8.ToArray(), data.Value.ToArray());
    }

    [Theory]
    [InlineData("PGJpbmFyeSBndW5rPg")]
    [InlineData("PGJpbmFyeSBndW5rPg=")]
    [InlineData("PGJp*bmFyeSBndW5rPg==")]
    [InlineData("====")]
    public void Data_that_is_not_base64_is_refused(string text)
    {
        Assert.IsType<FormatException>(RefusedValue($"<data>{text}</data>").InnerException);
    }

    [Fact]
    public void Dictionary_keeps_key_order_and_allows_empty_keys()
    {
        var dictionary = Assert.IsType<PlistDictionary>(Root("<dict><key>b</key><true/><key></key><false/><key>a</key><integer>1</integer></dict>"));

        Assert.Equal(["b", "", "a"], dictionary.Keys);
    }

    [Theory]
    [InlineData("<dict><key>a</key><string>1</string><key>a</key><string>2</string></dict>", "appears twice")]
    [InlineData("<dict><key>a</key></dict>", "has no value")]
    [InlineData("<dict><key>a</key><key>b</key><true/></dict>", "has no value")]
    [InlineData("<dict><string>no key</string></dict>", "has no <key>")]
    [InlineData("<dict><key><true/>k</key><true/></dict>", "only text")]
    [InlineData("<dict>text<key>a</key><true/></dict>", "holds text")]
    [InlineData("<array><key>a</key></array>", "<key> inside an <array>")]
    [InlineData("<array>text</array>", "holds text")]
    [InlineData("<key>a</key>", "<key> outside a <dict>")]
    [InlineData("<string>a<b/></string>", "only text")]
    [InlineData("<bogus/>", "not a property list element")]
    [InlineData("<null/>", "not a property list element")]
    [InlineData("<set/>", "not a property list element")]
    [InlineData("<plist><true/></plist>", "not a property list element")]
    [InlineData("<true/><false/>", "more than one value")]
    [InlineData("", "holds no value")]
    [InlineData("  ", "holds no value")]
    [InlineData("&#32;&amp;", "holds text")]
    public void Documents_breaking_the_plist_grammar_are_refused(string value, string reason)
    {
        Assert.Contains(reason, RefusedValue(value).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<dict/>", "not <plist>")]
    [InlineData("<plist/>", "holds no value")]
    [InlineData("<plist><true/></plist><plist/>", "Not a well-formed XML")]
    [InlineData("<plist><true/></plist>junk", "Not a well-formed XML")]
    [InlineData("<plist><true/>", "Not a well-formed XML")]
    [InlineData("{ key = value; }", "Not a well-formed XML")]
    [InlineData("   ", "Not a well-formed XML")]
    public void Documents_that_are_not_a_single_plist_element_are_refused(string document, string reason)
    {
        Assert.Contains(reason, Refused(Encoding.UTF8.GetBytes(document)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_plist_element_without_prolog_is_read()
    {
        Assert.Equal(10, Assert.IsType<PlistInteger>(PlistReader.Read("<plist><integer>0xa</integer></plist>"u8).Root).Value);
    }

    [Fact]
    public void Error_offset_points_at_the_offending_element()
    {
        var bytes = Document("<dict><key>n</key><integer>x</integer></dict>");
        var error = Refused(bytes);

        Assert.Equal(Encoding.UTF8.GetString(bytes).IndexOf("integer>x", StringComparison.Ordinal), error.Offset);
    }

    [Fact]
    public void Nesting_of_128_containers_is_accepted_and_129_is_refused()
    {
        Assert.IsType<PlistArray>(Root(Nested(128)));
        Assert.Contains("deeper than 128", RefusedValue(Nested(129)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_nesting_of_200000_levels_is_refused_without_exhausting_the_stack()
    {
        Assert.Contains("deeper than 128", RefusedValue(Nested(200_000)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_dictionaries_count_toward_the_depth_cap()
    {
        var open = string.Concat(Enumerable.Repeat("<dict><key>k</key>", 129));
        var close = string.Concat(Enumerable.Repeat("</dict>", 129));

        Assert.Contains("deeper than 128", RefusedValue($"{open}<true/>{close}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_with_more_values_than_the_node_bound_is_refused()
    {
        var options = new PlistReaderOptions { MaxNodes = 5 };

        Assert.IsType<PlistArray>(Root("<array><true/><true/><true/><true/></array>", options));
        Assert.Contains("more than 5 nodes", RefusedValue("<array><true/><true/><true/><true/><true/></array>", options).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_longer_than_MaxBytes_is_refused_before_parsing()
    {
        var bytes = Document("<true/>");

        Assert.Equal(100, Refused(bytes, new PlistReaderOptions { MaxBytes = 100 }).Offset);
    }

    [Theory]
    [InlineData("utf-16LE-bom")]
    [InlineData("utf-16BE-bom")]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    [InlineData("utf-8-bom")]
    public void Utf16_and_utf8_with_or_without_a_bom_are_read(string form)
    {
        const string text = "<?xml version=\"1.0\"?><plist><string>Aé😀</string></plist>";
        byte[] bytes = form switch
        {
            "utf-16LE-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            "utf-16BE-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-16LE" => Encoding.Unicode.GetBytes(text),
            "utf-16BE" => Encoding.BigEndianUnicode.GetBytes(text),
            _ => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
        };

        Assert.Equal("Aé😀", Assert.IsType<PlistString>(PlistReader.Read(bytes).Root).Value);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        byte[] bytes = [.. "<plist><string>"u8, 0xC3, 0x28, .. "</string></plist>"u8];

        Refused(bytes);
    }

    [Theory]
    [InlineData("x-unknown-encoding")]
    [InlineData("utf-7")]
    [InlineData("ibm037")]
    public void Encodings_dotnet_does_not_read_are_refused(string encoding)
    {
        Refused(Encoding.ASCII.GetBytes($"<?xml version=\"1.0\" encoding=\"{encoding}\"?><plist><true/></plist>"));
    }

    [Fact]
    public void One_entry_CF_UID_dictionary_flags_the_document_and_stays_a_dictionary()
    {
        var document = PlistReader.Read(Document("<array><dict><key>CF$UID</key><integer>3</integer></dict></array>"));

        Assert.True(document.ContainsUid);
        var uid = Assert.IsType<PlistDictionary>(Assert.IsType<PlistArray>(document.Root)[0]);
        Assert.Equal(3, uid.GetInt64("CF$UID"));
    }

    [Theory]
    [InlineData("<dict><key>CF$UID</key><string>3</string></dict>")]
    [InlineData("<dict><key>CF$UID</key><integer>3</integer><key>other</key><true/></dict>")]
    [InlineData("<dict><key>cf$uid</key><integer>3</integer></dict>")]
    public void Dictionaries_CF_would_not_turn_into_a_UID_do_not_flag_the_document(string value)
    {
        Assert.False(PlistReader.Read(Document(value)).ContainsUid);
    }

    [Fact]
    public void Every_single_byte_change_to_a_small_xml_plist_is_read_or_refused_with_PackageFormatException()
    {
        var original = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\"?><plist><dict><key>a</key><array><integer>1</integer><real>2.5</real>" +
            "<date>2014-11-13T08:00:00Z</date><data>AA==</data></array></dict></plist>");
        byte[] replacements = [0x00, 0x09, 0x20, (byte)'<', (byte)'>', (byte)'/', (byte)'&', (byte)'"', (byte)'x', 0x7F, 0xC3, 0xFF];
        var refused = 0;
        foreach (var position in Enumerable.Range(0, original.Length))
        {
            foreach (var replacement in replacements)
            {
                var mutated = (byte[])original.Clone();
                mutated[position] = replacement;
                if (!PlistReader.TryRead(mutated, out _, out _))
                {
                    refused++;
                }
            }
        }

        Assert.InRange(refused, original.Length, (original.Length * replacements.Length) - 1);
    }

    private static string Nested(int levels) =>
        string.Concat(Enumerable.Repeat("<array>", levels)) + "<true/>" + string.Concat(Enumerable.Repeat("</array>", levels));
}
