using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

public sealed class DerEntitlementsReaderTests
{
    /// <summary>A DER element with a minimally encoded length.</summary>
    private static byte[] Tlv(byte tag, params byte[][] content)
    {
        var body = content.SelectMany(c => c).ToArray();
        var w = new ByteWriter().U8(tag);
        if (body.Length < 0x80)
        {
            w.U8((byte)body.Length);
        }
        else if (body.Length < 0x100)
        {
            w.U8(0x81).U8((byte)body.Length);
        }
        else
        {
            w.U8(0x82).U8((byte)(body.Length >> 8)).U8((byte)body.Length);
        }

        return w.Bytes(body).ToArray();
    }

    private static byte[] Utf8(string value) => Tlv(0x0C, System.Text.Encoding.UTF8.GetBytes(value));

    private static byte[] Entitlements(params byte[][] pairs) => Tlv(0x70, [0x02, 0x01, 0x01], Tlv(0xB0, pairs));

    private static PackageFormatException Refused(string hex) =>
        Assert.Throws<PackageFormatException>(() => DerEntitlementsReader.Read(Convert.FromHexString(hex)));

    [Fact]
    public void T15_key_true_decodes()
    {
        var entitlements = DerEntitlementsReader.Read(Convert.FromHexString("700f020101b00a30080c036b65790101ff"));

        Assert.Equal(true, Assert.Single(entitlements, e => e.Key == "key").Value);
    }

    [Fact]
    public void T15_key_false_decodes()
    {
        Assert.Equal(false, DerEntitlementsReader.Read(Convert.FromHexString("700f020101b00a30080c036b6579010100"))["key"]);
    }

    [Fact]
    public void T15_key_42_decodes()
    {
        Assert.Equal(42L, DerEntitlementsReader.Read(Convert.FromHexString("700f020101b00a30080c036b657902012a"))["key"]);
    }

    [Fact]
    public void Strings_arrays_and_nested_dictionaries_decode()
    {
        // { "application-identifier": "T.app", "groups": ["a", -1], "nested": { "x": true } }
        var der = Entitlements(
            Tlv(0x30, Utf8("application-identifier"), Utf8("T.app")),
            Tlv(0x30, Utf8("groups"), Tlv(0x30, Utf8("a"), [0x02, 0x01, 0xFF])),
            Tlv(0x30, Utf8("nested"), Tlv(0xB0, Tlv(0x30, Utf8("x"), [0x01, 0x01, 0xFF]))));

        var entitlements = DerEntitlementsReader.Read(der);

        Assert.Equal("T.app", entitlements["application-identifier"]);
        Assert.Equal(["a", -1L], Assert.IsAssignableFrom<IReadOnlyList<object>>(entitlements["groups"]));
        Assert.Equal(true, Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(entitlements["nested"])["x"]);
    }

    [Fact]
    public void Empty_dictionary_decodes()
    {
        Assert.Empty(DerEntitlementsReader.Read(Convert.FromHexString("7005020101b000")));
    }

    [Fact]
    public void Long_form_length_decodes()
    {
        var key = new string('k', 200);
        var der = Entitlements(Tlv(0x30, Utf8(key), [0x01, 0x01, 0xFF]));
        Assert.Equal(0x81, der[1]);

        Assert.Equal(true, DerEntitlementsReader.Read(der)[key]);
    }

    [Fact]
    public void Boolean_other_than_00_or_ff_is_refused()
    {
        Assert.Equal(16, Refused("700f020101b00a30080c036b6579010101").Offset);
    }

    [Fact]
    public void Indefinite_length_is_refused()
    {
        Assert.Equal(1, Refused("7080020101b00a30080c036b65790101ff0000").Offset);
    }

    [Fact]
    public void Length_not_minimally_encoded_is_refused()
    {
        Assert.Equal(1, Refused("70810f020101b00a30080c036b65790101ff").Offset);
    }

    [Fact]
    public void Length_running_past_the_input_is_refused()
    {
        Assert.Equal(0, Refused("7010020101b00a30080c036b65790101ff").Offset);
    }

    [Fact]
    public void Bytes_after_the_entitlements_are_refused()
    {
        Assert.Equal(17, Refused("700f020101b00a30080c036b65790101ff00").Offset);
    }

    [Fact]
    public void Version_other_than_1_is_refused()
    {
        Assert.Equal(2, Refused("700f020102b00a30080c036b65790101ff").Offset);
    }

    [Fact]
    public void Wrong_outer_tag_is_refused()
    {
        Assert.Equal(0, Refused("300f020101b00a30080c036b65790101ff").Offset);
    }

    [Fact]
    public void Duplicate_key_is_refused()
    {
        Assert.Contains("twice", Refused("7019020101b01430080c036b65790101ff30080c036b6579010100").Message);
    }

    [Fact]
    public void Octet_string_value_is_refused_because_data_cannot_be_encoded()
    {
        Assert.Equal(14, Refused("700f020101b00a30080c036b6579040100").Offset);
    }

    [Fact]
    public void Integer_not_minimally_encoded_is_refused()
    {
        Assert.Equal(14, Refused("7010020101b00b30090c036b65790202002a").Offset);
    }

    [Fact]
    public void Integer_wider_than_64_bits_is_refused()
    {
        Assert.Equal(14, Refused("7017020101b01230100c036b657902097fffffffffffffffff").Offset);
    }

    [Fact]
    public void Key_that_is_not_valid_utf8_is_refused()
    {
        Assert.Equal(11, Refused("700f020101b00a30080c036bff790101ff").Offset);
    }

    [Fact]
    public void Nesting_deeper_than_the_cap_is_refused()
    {
        var value = new byte[] { 0x01, 0x01, 0xFF };
        for (var i = 0; i < DerEntitlementsReader.MaxDepth + 5; i++)
        {
            value = Tlv(0x30, value);
        }

        var der = Entitlements(Tlv(0x30, Utf8("key"), value));

        Assert.Contains("deeper", Assert.Throws<PackageFormatException>(() => DerEntitlementsReader.Read(der)).Message);
    }

    [Fact]
    public void Errors_carry_the_base_offset_given()
    {
        var error = Assert.Throws<PackageFormatException>(() =>
            DerEntitlementsReader.Read(Convert.FromHexString("700f020101b00a30080c036b6579010101"), baseOffset: 1000));

        Assert.Equal(1016, error.Offset);
    }
}
