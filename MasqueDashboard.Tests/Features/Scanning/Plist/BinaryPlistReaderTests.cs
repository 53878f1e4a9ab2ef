using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

public sealed class BinaryPlistReaderTests
{
    private const string T1 =
        "62 70 6c 69 73 74 30 30 d1 01 02 51 61 10 01 08 0b 0d 00 00 00 00 00 00 01 01 " +
        "00 00 00 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0f";

    private const string T2 =
        "62 70 6c 69 73 74 30 30 a3 01 02 03 52 61 62 09 11 01 2c 08 0c 0f 10 00 " +
        "00 00 00 00 00 01 01 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 13";

    private static PackageFormatException Refused(byte[] bytes, PlistReaderOptions? options = null) =>
        Assert.Throws<PackageFormatException>(() => PlistReader.Read(bytes, options));

    private static PlistNode Root(byte[] bytes, PlistReaderOptions? options = null) => PlistReader.Read(bytes, options).Root;

    [Fact]
    public void T1_dictionary_with_one_integer_reads_as_binary()
    {
        var document = PlistReader.Read(Bplist.Hex(T1));

        Assert.Equal(PlistFormat.Binary, document.Format);
        Assert.False(document.ContainsUid);
        var root = Assert.IsType<PlistDictionary>(document.Root);
        Assert.Equal(["a"], root.Keys);
        Assert.Equal(1, root.GetInt64("a"));
    }

    [Fact]
    public void T2_array_of_string_boolean_and_two_byte_integer_reads_in_order()
    {
        var root = Assert.IsType<PlistArray>(Root(Bplist.Hex(T2)));

        Assert.Equal(3, root.Count);
        Assert.Equal("ab", Assert.IsType<PlistString>(root[0]).Value);
        Assert.True(Assert.IsType<PlistBoolean>(root[1]).Value);
        Assert.Equal(300, Assert.IsType<PlistInteger>(root[2]).Value);
    }

    [Fact]
    public void T3_example_file_is_the_single_object_template()
    {
        var expected = Bplist.Hex(
            "62 70 6c 69 73 74 30 30 10 ff 08 00 00 00 00 00 00 01 01 00 00 00 00 00 00 00 01 " +
            "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0a");

        Assert.Equal(expected, Bplist.Single("10 ff"));
        Assert.Equal(255, Assert.IsType<PlistInteger>(Root(expected)).Value);
    }

    [Theory]
    [InlineData("10 ff", "255")]
    [InlineData("11 ff ff", "65535")]
    [InlineData("12 ff ff ff ff", "4294967295")]
    [InlineData("13 ff ff ff ff ff ff ff ff", "-1")]
    [InlineData("13 80 00 00 00 00 00 00 00", "-9223372036854775808")]
    [InlineData("13 7f ff ff ff ff ff ff ff", "9223372036854775807")]
    public void T3_integers_of_one_to_eight_bytes_are_unsigned_below_eight_and_signed_at_eight(string objectHex, string expected)
    {
        var integer = Assert.IsType<PlistInteger>(Root(Bplist.Single(objectHex)));

        Assert.Equal(Int128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), integer.Value);
    }

    [Fact]
    public void T4_sixteen_byte_integer_with_zero_high_half_is_the_unsigned_low_half()
    {
        var integer = Assert.IsType<PlistInteger>(Root(Bplist.Single("14 00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff")));

        Assert.True(integer.TryGetUInt64(out var value));
        Assert.Equal(ulong.MaxValue, value);
        Assert.False(integer.TryGetInt64(out _));
    }

    [Fact]
    public void T4_sixteen_byte_integer_with_a_non_zero_high_half_is_refused()
    {
        var error = Refused(Bplist.Single("14" + string.Concat(Enumerable.Repeat(" ff", 16))));

        Assert.Contains("T4", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Offset);
    }

    [Fact]
    public void T4_integer_wider_than_sixteen_bytes_is_refused()
    {
        Refused(Bplist.Single("15" + string.Concat(Enumerable.Repeat(" 00", 31)) + " 07"));
    }

    [Theory]
    [InlineData("33 41 ba 14 9c 80 00 00 00", "2014-11-13T08:00:00+00:00")]
    [InlineData("33 00 00 00 00 00 00 00 00", "2001-01-01T00:00:00+00:00")]
    [InlineData("33 c1 cd 27 e4 40 00 00 00", "1970-01-01T00:00:00+00:00")]
    public void T5_binary_dates_count_seconds_from_2001(string objectHex, string expected)
    {
        var date = Assert.IsType<PlistDate>(Root(Bplist.Single(objectHex)));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date.Value);
        Assert.Equal(TimeSpan.Zero, date.Value.Offset);
    }

    [Theory]
    [InlineData("33 7f f8 00 00 00 00 00 00")] // NaN
    [InlineData("33 7f f0 00 00 00 00 00 00")] // +Inf
    [InlineData("33 ff f0 00 00 00 00 00 00")] // −Inf
    [InlineData("33 c2 2d 63 c8 c5 00 00 00")] // year 0, biplist's small_date
    [InlineData("33 42 70 00 00 00 00 00 00")] // 2^40 seconds, past year 9999
    public void Binary_dates_that_are_not_finite_or_outside_years_1_to_9999_are_refused(string objectHex)
    {
        Assert.Equal(8, Refused(Bplist.Single(objectHex)).Offset);
    }

    [Fact]
    public void Binary_date_fractions_are_kept_to_the_microsecond()
    {
        var seconds = BitConverter.DoubleToInt64Bits(0.25);
        var date = Assert.IsType<PlistDate>(Root(Bplist.Build([[0x33, .. Bplist.BigEndian((ulong)seconds, 8)]])));

        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, 250, TimeSpan.Zero), date.Value);
    }

    [Theory]
    [InlineData("80 05", 5u)]
    [InlineData("81 01 00", 256u)]
    [InlineData("83 00 01 00 00", 65536u)]
    [InlineData("83 ff ff ff ff", uint.MaxValue)]
    [InlineData("87 00 00 00 00 00 00 00 07", 7u)]
    public void T6_uids_read_their_low_nibble_plus_one_bytes_and_flag_the_document(string objectHex, uint expected)
    {
        var document = PlistReader.Read(Bplist.Single(objectHex));

        Assert.Equal(expected, Assert.IsType<PlistUid>(document.Root).Value);
        Assert.True(document.ContainsUid);
    }

    [Fact]
    public void T6_uid_above_0xFFFFFFFF_is_refused()
    {
        Assert.Contains("T6", Refused(Bplist.Single("87 00 00 00 01 00 00 00 00")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uid_nested_in_a_dictionary_flags_the_document()
    {
        var bytes = Bplist.Build([Bplist.Dictionary(1, [1], [2]), Bplist.Ascii("root"), [0x80, 0x01]]);

        Assert.True(PlistReader.Read(bytes).ContainsUid);
    }

    [Fact]
    public void T7_extended_count_follows_as_an_integer_object()
    {
        var text = Assert.IsType<PlistString>(Root(Bplist.Single("5f 10 0f" + string.Concat(Enumerable.Repeat(" 41", 15)))));

        Assert.Equal("AAAAAAAAAAAAAAA", text.Value);
    }

    [Fact]
    public void T7_count_whose_marker_is_not_an_integer_is_refused()
    {
        var error = Refused(Bplist.Single("5f 40 03 61 62 63"));

        Assert.Contains("T7", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, error.Offset);
    }

    [Fact]
    public void T8_utf16_string_counts_code_units()
    {
        Assert.Equal("Aé", Assert.IsType<PlistString>(Root(Bplist.Single("62 00 41 00 e9"))).Value);
    }

    [Fact]
    public void T8_utf16_string_with_a_lone_surrogate_is_refused()
    {
        Assert.Contains("T8", Refused(Bplist.Single("61 d8 00")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void T9_array_that_contains_itself_is_refused()
    {
        byte[] bytes = [.. Bplist.Hex("62 70 6c 69 73 74 30 30 a1 00 08"), .. Bplist.Trailer(1, 1, 1, 0, 0x0A)];
        var error = Refused(bytes);

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Offset);
    }

    [Fact]
    public void Cycle_through_two_dictionaries_is_refused()
    {
        var bytes = Bplist.Build([Bplist.Dictionary(1, [2], [1]), Bplist.Dictionary(1, [2], [0]), Bplist.Ascii("k")]);

        Assert.Contains("cycle", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void T10_binary_plist_with_slack_bytes_is_refused()
    {
        var exact = Bplist.Single("10 05");
        byte[] slack = [.. Bplist.Hex("62 70 6c 69 73 74 30 30 10 05 08 00"), .. Bplist.Trailer(1, 1, 1, 0, 0x0A)];

        Assert.Equal(5, Assert.IsType<PlistInteger>(Root(exact)).Value);
        Refused(slack);
    }

    [Theory]
    [InlineData("bplist01")]
    [InlineData("bplist0?")]
    [InlineData("bplist15")]
    public void Binary_header_other_than_bplist00_is_refused(string header)
    {
        var bytes = Bplist.Single("09");
        System.Text.Encoding.ASCII.GetBytes(header).CopyTo(bytes, 0);

        Assert.Equal(6, Refused(bytes).Offset);
    }

    [Fact]
    public void Binary_plist_shorter_than_41_bytes_is_refused()
    {
        Refused([.. "bplist00"u8, 0x09, .. new byte[31]]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 1)]
    [InlineData(16, 1)]
    [InlineData(1, 0)]
    [InlineData(1, 3)]
    [InlineData(1, 5)]
    public void Trailer_widths_other_than_1_2_4_or_8_are_refused(int offsetSize, int refSize)
    {
        var bytes = Bplist.Single("09");
        bytes[^26] = (byte)offsetSize;
        bytes[^25] = (byte)refSize;

        Refused(bytes);
    }

    [Theory]
    [InlineData(0ul, 0ul, 9ul)] // no objects
    [InlineData(1ul, 1ul, 9ul)] // top object not below the count
    [InlineData(1ul, ulong.MaxValue, 9ul)]
    [InlineData(1ul, 0ul, 8ul)] // table inside the header
    [InlineData(1ul, 0ul, 10ul)] // table overlapping the trailer
    [InlineData(1ul, 0ul, ulong.MaxValue)]
    [InlineData(1ul << 40, 0ul, 9ul)]
    [InlineData(1ul << 63, 0ul, 9ul)]
    [InlineData(ulong.MaxValue, 0ul, 9ul)]
    public void Trailer_counts_and_offsets_that_do_not_describe_the_file_are_refused(ulong objectCount, ulong top, ulong tableOffset)
    {
        byte[] bytes = [.. "bplist00"u8, 0x09, 0x08, .. Bplist.Trailer(1, 1, objectCount, top, tableOffset)];

        Refused(bytes);
    }

    [Fact]
    public void More_objects_than_one_byte_references_can_address_are_refused()
    {
        var objects = Enumerable.Repeat(new byte[] { 0x08 }, 256).ToList();

        Assert.IsType<PlistBoolean>(Root(Bplist.Build(objects, offsetSize: 2, refSize: 2)));
        Assert.Contains("references", Refused(Bplist.Build(objects, offsetSize: 2, refSize: 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offset_table_beyond_what_its_offset_size_can_address_is_refused()
    {
        List<byte[]> objects = [Bplist.Data(300)];

        Assert.Equal(300, Assert.IsType<PlistData>(Root(Bplist.Build(objects, offsetSize: 2))).Length);
        Refused(Bplist.Build(objects, offsetSize: 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Offset_table_entry_pointing_into_the_header_is_refused(byte offset)
    {
        var bytes = Bplist.Single("09");
        bytes[9] = offset;
        var error = Refused(bytes);

        Assert.Contains("header", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, error.Offset);
    }

    [Fact]
    public void Offset_table_entry_pointing_at_the_table_is_refused()
    {
        var bytes = Bplist.Single("09");
        bytes[9] = 9;

        Assert.Equal(9, Refused(bytes).Offset);
    }

    [Fact]
    public void Unreferenced_offset_table_entries_are_still_checked()
    {
        var bytes = Bplist.Build([[0x09], [0x08]]);
        bytes[11] = 3;

        Refused(bytes);
    }

    [Fact]
    public void Reference_out_of_range_is_refused_at_its_position()
    {
        var bytes = Bplist.Build([Bplist.Array(1, 0x01, 0x02), [0x09], [0x08]]);
        bytes[10] = 3;
        var error = Refused(bytes);

        Assert.Contains("Reference 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, error.Offset);
    }

    [Theory]
    [InlineData("4f 13 00 00 01 00 00 00 00 00")] // data, 2^40 bytes
    [InlineData("5f 13 00 00 01 00 00 00 00 00")] // ASCII, 2^40 bytes
    [InlineData("6f 13 00 00 01 00 00 00 00 00")] // UTF-16, 2^40 code units
    [InlineData("6f 13 40 00 00 00 00 00 00 00")] // UTF-16, 2^62 code units: ×2 would overflow a signed count
    [InlineData("af 13 00 00 01 00 00 00 00 00")] // array, 2^40 refs
    [InlineData("df 13 00 00 01 00 00 00 00 00")] // dictionary, 2^40 pairs
    [InlineData("df 13 40 00 00 00 00 00 00 00")] // dictionary, 2^62 pairs: ×2 would overflow
    [InlineData("4f 13 7f ff ff ff ff ff ff ff")] // 2^63−1
    public void Huge_counts_are_refused_before_anything_is_allocated(string objectHex)
    {
        Assert.Contains("runs past the object area", Refused(Bplist.Single(objectHex)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4f 13 80 00 00 00 00 00 00 00")] // 2^63
    [InlineData("af 13 ff ff ff ff ff ff ff ff")] // 2^64−1
    public void Counts_above_2_pow_63_minus_1_are_refused(string objectHex)
    {
        Assert.Contains("above 2^63−1", Refused(Bplist.Single(objectHex)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("13 00 00 00")] // eight-byte integer, three bytes present
    [InlineData("11 01")]
    [InlineData("23 40 09 21")] // float64, three bytes present
    [InlineData("22 40")]
    [InlineData("33 41 ba 14")]
    [InlineData("44 01 02")] // data of four bytes, two present
    [InlineData("53 61 62")]
    [InlineData("62 00 41 00")] // UTF-16 of two units, one present
    [InlineData("5f")] // extended count marker missing
    [InlineData("5f 12 00 00")] // extended count truncated
    [InlineData("83 00 01")] // UID of four bytes, two present
    [InlineData("a2 00")] // array of two refs, one present
    [InlineData("d1 00")] // dictionary of one pair, values missing
    public void Truncated_objects_are_refused(string objectHex)
    {
        Refused(Bplist.Single(objectHex));
    }

    [Theory]
    [InlineData("00", "Null")]
    [InlineData("0f", "Fill")]
    [InlineData("01", "Unknown")]
    [InlineData("21 00 00", "Real")]
    [InlineData("24 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "Real")]
    [InlineData("30 00 00 00 00 00 00 00 00", "Unknown")]
    [InlineData("34 00 00 00 00 00 00 00 00", "Unknown")]
    [InlineData("71 61", "UTF-8")]
    [InlineData("90", "Unknown")]
    [InlineData("b0", "Ordered set")]
    [InlineData("c0", "Set")]
    [InlineData("e0", "Unknown")]
    [InlineData("f0", "Unknown")]
    public void Markers_outside_the_policy_table_are_refused(string objectHex, string reason)
    {
        var error = Refused(Bplist.Single(objectHex));

        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Offset);
    }

    [Fact]
    public void Float32_and_float64_reals_are_read()
    {
        Assert.Equal(1.5, Assert.IsType<PlistReal>(Root(Bplist.Single("22 3f c0 00 00"))).Value);
        Assert.Equal(Math.PI, Assert.IsType<PlistReal>(Root(Bplist.Single("23 40 09 21 fb 54 44 2d 18"))).Value);
    }

    [Fact]
    public void Ascii_string_with_a_byte_above_0x7F_is_refused_at_that_byte()
    {
        Assert.Equal(11, Refused(Bplist.Single("53 61 62 e9")).Offset);
    }

    [Theory]
    [InlineData("10 01")]
    [InlineData("09")]
    [InlineData("40")]
    [InlineData("a0")]
    [InlineData("80 01")]
    public void Dictionary_keys_that_are_not_strings_are_refused(string keyHex)
    {
        var bytes = Bplist.Build([Bplist.Dictionary(1, [1], [2]), Bplist.Hex(keyHex), [0x09]]);

        Assert.Contains("not a string", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dictionary_keys_may_be_utf16_strings()
    {
        var bytes = Bplist.Build([Bplist.Dictionary(1, [1], [2]), Bplist.Hex("61 00 e9"), [0x09]]);

        Assert.Equal(true, Assert.IsType<PlistDictionary>(Root(bytes)).GetBoolean("é"));
    }

    [Fact]
    public void Dictionary_with_a_repeated_key_is_refused()
    {
        var bytes = Bplist.Build([Bplist.Dictionary(1, [1, 2], [3, 3]), Bplist.Ascii("k"), Bplist.Ascii("k"), [0x09]]);

        Assert.Contains("appears twice", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dictionary_keeps_the_order_of_its_keys()
    {
        var bytes = Bplist.Build(
            [Bplist.Dictionary(1, [1, 2, 3], [4, 4, 4]), Bplist.Ascii("zeta"), Bplist.Ascii("alpha"), Bplist.Ascii("mid"), [0x08]]);

        Assert.Equal(["zeta", "alpha", "mid"], Assert.IsType<PlistDictionary>(Root(bytes)).Keys);
    }

    [Fact]
    public void Nesting_of_128_containers_is_accepted_and_129_is_refused()
    {
        Assert.IsType<PlistArray>(Root(Bplist.NestedArrays(128)));
        Assert.Contains("deeper than 128", Refused(Bplist.NestedArrays(129)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_nesting_of_200000_levels_is_refused_without_exhausting_the_stack()
    {
        Assert.Contains("deeper than 128", Refused(Bplist.NestedArrays(200_000)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_cap_is_configurable()
    {
        var options = new PlistReaderOptions { MaxDepth = 4 };

        Assert.IsType<PlistArray>(Root(Bplist.NestedArrays(4), options));
        Refused(Bplist.NestedArrays(5), options);
    }

    [Fact]
    public void Shared_reference_is_decoded_once_and_returned_as_the_same_node()
    {
        var bytes = Bplist.Build([Bplist.Array(1, 1, 1, 2), Bplist.Array(1, 3), Bplist.Array(1, 3), Bplist.Ascii("x")]);
        var root = Assert.IsType<PlistArray>(Root(bytes));

        Assert.Same(root[0], root[1]);
        Assert.NotSame(root[0], root[2]);
        Assert.Same(((PlistArray)root[0])[0], ((PlistArray)root[2])[0]);
    }

    [Fact]
    public void Offset_table_entries_aliasing_one_offset_share_the_decoded_node()
    {
        var bytes = Bplist.Build([Bplist.Array(1, 1, 2), Bplist.Array(1), [0x08]]);
        bytes[^33] = bytes[^34];
        var root = Assert.IsType<PlistArray>(Root(bytes));

        Assert.Same(root[0], root[1]);
    }

    [Fact]
    public void Shared_container_reused_deeper_in_the_tree_still_counts_toward_the_depth_cap()
    {
        Assert.IsType<PlistArray>(Root(ChainReusedAtDepth(reuseDepth: 20)));
        Assert.Contains("deeper than 128", Refused(ChainReusedAtDepth(reuseDepth: 40)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DAG_bomb_of_30_levels_sharing_one_child_is_refused_by_the_node_bound()
    {
        var bytes = Bplist.SharedChildBomb(30);

        Assert.True(bytes.Length < 200);
        Assert.Contains("expands to more than 1000000 nodes", Refused(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DAG_within_the_node_bound_is_accepted()
    {
        var root = Assert.IsType<PlistArray>(Root(Bplist.SharedChildBomb(10)));

        Assert.Same(root[0], root[1]);
    }

    [Fact]
    public void Container_with_more_references_than_the_node_bound_is_refused_before_allocation()
    {
        var options = new PlistReaderOptions { MaxNodes = 10 };
        var bytes = Bplist.Build([Bplist.Array(1, Enumerable.Repeat(1L, 11).ToArray()), [0x08]]);

        Assert.Contains("more than 10 references", Refused(bytes, options).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_longer_than_MaxBytes_is_refused_before_parsing()
    {
        var options = new PlistReaderOptions { MaxBytes = 42 };

        Assert.IsType<PlistBoolean>(Root(Bplist.Single("09"), options));
        Assert.Equal(42, Refused(Bplist.Single("10 01"), options).Offset);
    }

    [Fact]
    public void TryRead_reports_the_error_instead_of_throwing()
    {
        Assert.False(PlistReader.TryRead(Bplist.Single("00"), out var document, out var error));
        Assert.Null(document);
        Assert.Equal(8, error!.Offset);

        Assert.True(PlistReader.TryRead(Bplist.Hex(T1), out document, out error));
        Assert.Null(error);
        Assert.IsType<PlistDictionary>(document!.Root);
    }

    [Fact]
    public void Every_single_byte_change_to_T2_is_read_or_refused_with_PackageFormatException()
    {
        var original = Bplist.Hex(T2);
        var refused = 0;
        for (var position = 0; position < original.Length; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                var mutated = (byte[])original.Clone();
                mutated[position] = (byte)value;
                if (!PlistReader.TryRead(mutated, out _, out _))
                {
                    refused++;
                }
            }
        }

        Assert.InRange(refused, original.Length, (original.Length * 256) - 1);
    }

    [Fact]
    public void Every_truncation_of_T1_is_refused()
    {
        var original = Bplist.Hex(T1);
        for (var length = 0; length < original.Length; length++)
        {
            Assert.False(PlistReader.TryRead(original.AsSpan(0, length), out _, out var error));
            Assert.NotNull(error);
        }
    }

    /// <summary>
    /// Root [A0, B0]: A0…A99 is a chain of 100 arrays; B0…B(n−1) a chain of n arrays whose last holds A0 again.
    /// Through B the shared chain sits at depth n + 1, so the tree is 1 + n + 100 levels deep.
    /// </summary>
    private static byte[] ChainReusedAtDepth(int reuseDepth)
    {
        const int chain = 100;
        var objects = new List<byte[]> { Bplist.Array(2, 1, 1 + chain + 1) };
        for (var i = 0; i < chain; i++)
        {
            objects.Add(Bplist.Array(2, 2 + i));
        }

        objects.Add([0x09]);
        for (var i = 0; i < reuseDepth; i++)
        {
            var next = i == reuseDepth - 1 ? 1 : objects.Count + 1;
            objects.Add(Bplist.Array(2, next));
        }

        return Bplist.Build(objects, offsetSize: 2, refSize: 2);
    }
}
