using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// An X.500 name read attribute by attribute. .NET's own rendering differs between platforms (Linux prints
/// Apple's UID attribute as <c>OID.0.9.2342.19200300.100.1.1</c>), so the product renders RFC 2253 itself,
/// with OpenSSL's short names, and stores and compares that.
/// </summary>
internal sealed class DistinguishedName
{
    public const string CommonNameOid = "2.5.4.3";
    public const string OrganizationalUnitOid = "2.5.4.11";

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.4"] = "SN",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "street",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "title",
        ["2.5.4.42"] = "GN",
        ["2.5.4.43"] = "initials",
        ["2.5.4.46"] = "dnQualifier",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
    };

    private readonly List<(string Oid, string? Text)> _attributes;

    private DistinguishedName(string rfc2253, List<(string Oid, string? Text)> attributes)
    {
        Rfc2253 = rfc2253;
        _attributes = attributes;
    }

    public string Rfc2253 { get; }

    /// <summary>The first value of <paramref name="oid"/> in the order the certificate encodes the name.</summary>
    public string? First(string oid) => _attributes.Find(attribute => attribute.Oid == oid).Text;

    public static DistinguishedName Read(X500DistinguishedName name)
    {
        try
        {
            return Parse(name.RawData);
        }
        catch (AsnContentException)
        {
            // The certificate loader accepted the name, so this is a form the renderer does not know; .NET's
            // own rendering is still better than nothing.
            return new DistinguishedName(name.Name, []);
        }
    }

    private static DistinguishedName Parse(byte[] der)
    {
        var attributes = new List<(string Oid, string? Text)>();
        var rdns = new List<string>();
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            var set = sequence.ReadSetOf(skipSortOrderValidation: true);
            var parts = new List<string>();
            while (set.HasData)
            {
                var pair = set.ReadSequence();
                var oid = pair.ReadObjectIdentifier();
                var valueTag = pair.PeekTag();
                var encoded = pair.ReadEncodedValue();
                var text = ReadText(valueTag, encoded);
                attributes.Add((oid, text));
                var label = ShortNames.TryGetValue(oid, out var shortName) ? shortName : oid;
                parts.Add(label + "=" + (text is null ? "#" + Convert.ToHexString(encoded.Span) : Escape(text)));
            }

            rdns.Add(string.Join('+', parts));
        }

        rdns.Reverse();
        return new DistinguishedName(string.Join(',', rdns), attributes);
    }

    private static string? ReadText(Asn1Tag tag, ReadOnlyMemory<byte> encoded)
    {
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
        {
            return null;
        }

        var type = (UniversalTagNumber)tag.TagValue;
        return type switch
        {
            UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.T61String or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString
                or UniversalTagNumber.VisibleString or UniversalTagNumber.NumericString =>
                AsnDecoder.ReadCharacterString(encoded.Span, AsnEncodingRules.BER, type, out _),
            _ => null,
        };
    }

    /// <summary>RFC 2253 §2.4: the specials, a leading '#' or space and a trailing space; controls as hex pairs.</summary>
    private static string Escape(string value)
    {
        var text = new StringBuilder(value.Length + 4);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' '))
            {
                text.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                var length = Encoding.UTF8.GetBytes([c], utf8);
                foreach (var b in utf8[..length])
                {
                    text.Append('\\').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
