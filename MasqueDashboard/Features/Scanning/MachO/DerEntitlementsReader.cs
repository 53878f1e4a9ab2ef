using System.Collections.ObjectModel;
using System.Text;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// Decodes the DER entitlements of a code signature (DOMAIN §5.6, T15):
/// <c>[APPLICATION 16] { INTEGER 1, [CONTEXT 16] { SEQUENCE { UTF8String key, value } … } }</c>.
/// Values come back as <see cref="bool"/>, <see cref="long"/>, <see cref="string"/>,
/// <see cref="IReadOnlyList{T}"/> of object (SEQUENCE) or <see cref="IReadOnlyDictionary{TKey,TValue}"/> (a nested
/// <c>[CONTEXT 16]</c>), so they can be compared with the XML form. Strict DER only: minimal lengths and integers,
/// booleans 0x00/0xFF, no indefinite lengths, no trailing bytes, bounded depth.
/// </summary>
public static class DerEntitlementsReader
{
    /// <summary>Entitlements nest a few levels at most; the cap keeps hostile input off the stack.</summary>
    public const int MaxDepth = 32;

    private const byte TagBoolean = 0x01;
    private const byte TagInteger = 0x02;
    private const byte TagUtf8String = 0x0C;
    private const byte TagSequence = 0x30;
    private const byte TagApplication16 = 0x70;
    private const byte TagContext16 = 0xB0;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="der">The DER bytes, without the 8-byte <c>0xFADE7172</c> blob header.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="der"/>[0], so errors point into the file.</param>
    /// <exception cref="PackageFormatException">The bytes are not strict DER entitlements.</exception>
    public static IReadOnlyDictionary<string, object> Read(ReadOnlySpan<byte> der, long baseOffset = 0)
    {
        var reader = new Reader(der, baseOffset);
        var outer = reader.ReadHeader(0, der.Length);
        if (outer.Tag != TagApplication16)
        {
            throw reader.Fail($"DER entitlements must start with [APPLICATION 16] (0x70), found 0x{outer.Tag:X2}", 0);
        }

        if (outer.End != der.Length)
        {
            throw reader.Fail("bytes follow the DER entitlements", outer.End);
        }

        var version = reader.ReadHeader(outer.ContentStart, outer.End);
        if (version.Tag != TagInteger || reader.DecodeInteger(version) != 1)
        {
            throw reader.Fail("DER entitlements version must be INTEGER 1", outer.ContentStart);
        }

        var dict = reader.ReadHeader(version.End, outer.End);
        if (dict.Tag != TagContext16)
        {
            throw reader.Fail($"DER entitlements must hold a [CONTEXT 16] dictionary, found 0x{dict.Tag:X2}", version.End);
        }

        if (dict.End != outer.End)
        {
            throw reader.Fail("bytes follow the entitlements dictionary", dict.End);
        }

        return reader.DecodeDictionary(dict, depth: 1);
    }

    private readonly record struct Element(byte Tag, int Start, int ContentStart, int End)
    {
        public int ContentLength => End - ContentStart;
    }

    private readonly ref struct Reader(ReadOnlySpan<byte> bytes, long baseOffset)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public PackageFormatException Fail(string message, int position) => new(message, baseOffset + position);

        /// <summary>Reads a tag and length at <paramref name="position"/>; the content must end by <paramref name="end"/>.</summary>
        public Element ReadHeader(int position, int end)
        {
            if (end - position < 2)
            {
                throw Fail("DER element header runs past its container", position);
            }

            var tag = _bytes[position];
            if ((tag & 0x1F) == 0x1F)
            {
                throw Fail("DER high-tag-number form is not used by entitlements", position);
            }

            var first = _bytes[position + 1];
            var cursor = position + 2;
            long length;
            if (first < 0x80)
            {
                length = first;
            }
            else
            {
                var count = first & 0x7F;
                if (count == 0)
                {
                    throw Fail("DER forbids indefinite lengths", position + 1);
                }

                if (count > 4 || end - cursor < count)
                {
                    throw Fail("DER length field is too long or runs past its container", position + 1);
                }

                length = 0;
                for (var i = 0; i < count; i++)
                {
                    length = (length << 8) | _bytes[cursor + i];
                }

                if (_bytes[cursor] == 0 || length < 0x80)
                {
                    throw Fail("DER length is not minimally encoded", position + 1);
                }

                cursor += count;
            }

            if (length > end - cursor)
            {
                throw Fail($"DER element of {length} bytes runs past its container", position);
            }

            return new Element(tag, position, cursor, cursor + (int)length);
        }

        public object DecodeValue(Element element, int depth) => element.Tag switch
        {
            TagBoolean => DecodeBoolean(element),
            TagInteger => DecodeInteger(element),
            TagUtf8String => DecodeString(element),
            TagSequence => DecodeArray(element, depth + 1),
            TagContext16 => DecodeDictionary(element, depth + 1),
            _ => throw Fail($"DER tag 0x{element.Tag:X2} cannot appear in entitlements (data, dates and reals are not encodable)", element.Start),
        };

        public long DecodeInteger(Element element)
        {
            var content = _bytes.Slice(element.ContentStart, element.ContentLength);
            if (content.Length is 0 or > 8)
            {
                throw Fail("DER INTEGER must be 1 to 8 bytes", element.Start);
            }

            if (content.Length > 1 && ((content[0] == 0x00 && content[1] < 0x80) || (content[0] == 0xFF && content[1] >= 0x80)))
            {
                throw Fail("DER INTEGER is not minimally encoded", element.Start);
            }

            long value = (sbyte)content[0];
            for (var i = 1; i < content.Length; i++)
            {
                value = (value << 8) | content[i];
            }

            return value;
        }

        public ReadOnlyDictionary<string, object> DecodeDictionary(Element element, int depth)
        {
            CheckDepth(element, depth);
            var entries = new Dictionary<string, object>(StringComparer.Ordinal);
            var cursor = element.ContentStart;
            while (cursor < element.End)
            {
                var pair = ReadHeader(cursor, element.End);
                if (pair.Tag != TagSequence)
                {
                    throw Fail("an entitlements dictionary entry must be a SEQUENCE { key, value }", cursor);
                }

                var key = ReadHeader(pair.ContentStart, pair.End);
                if (key.Tag != TagUtf8String)
                {
                    throw Fail("an entitlements key must be a UTF8String", pair.ContentStart);
                }

                var value = ReadHeader(key.End, pair.End);
                if (value.End != pair.End)
                {
                    throw Fail("an entitlements dictionary entry holds more than a key and a value", value.End);
                }

                var name = DecodeString(key);
                if (!entries.TryAdd(name, DecodeValue(value, depth)))
                {
                    throw Fail($"entitlement key '{name}' appears twice", key.Start);
                }

                cursor = pair.End;
            }

            return new ReadOnlyDictionary<string, object>(entries);
        }

        private bool DecodeBoolean(Element element)
        {
            if (element.ContentLength != 1)
            {
                throw Fail("DER BOOLEAN must be one byte", element.Start);
            }

            return _bytes[element.ContentStart] switch
            {
                0x00 => false,
                0xFF => true,
                _ => throw Fail("DER BOOLEAN must be 0x00 or 0xFF", element.ContentStart),
            };
        }

        private string DecodeString(Element element)
        {
            try
            {
                return StrictUtf8.GetString(_bytes.Slice(element.ContentStart, element.ContentLength));
            }
            catch (DecoderFallbackException e)
            {
                throw new PackageFormatException("UTF8String is not valid UTF-8", baseOffset + element.ContentStart, e);
            }
        }

        private ReadOnlyCollection<object> DecodeArray(Element element, int depth)
        {
            CheckDepth(element, depth);
            var items = new List<object>();
            var cursor = element.ContentStart;
            while (cursor < element.End)
            {
                var item = ReadHeader(cursor, element.End);
                items.Add(DecodeValue(item, depth));
                cursor = item.End;
            }

            return items.AsReadOnly();
        }

        private void CheckDepth(Element element, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Fail($"DER entitlements nest deeper than {MaxDepth} levels", element.Start);
            }
        }
    }
}
