using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// The <c>DER-Encoded-Profile</c> (DOMAIN §4; Apple TN3125 "The future is DER"): a second, complete CMS whose
/// content is a DER <c>SET</c> of <c>SEQUENCE { UTF8String key, value }</c>, the form iOS 15 and later obey.
/// The plist is what people and most tools read, so the two must agree; here <c>DeveloperCertificates</c>
/// holds SHA-256 digests and <c>Entitlements</c> uses the DER entitlements encoding of DOMAIN §5.6.
/// </summary>
internal static class DerEncodedProfile
{
    private const int MaxDepth = 32;
    private const int MaxNodes = 100_000;

    /// <summary>
    /// Keys that decide who may sign, for which team and app, on which devices and until when: one form
    /// carrying such a key the other lacks is a disagreement. Other keys are compared only when both have them,
    /// since Apple adds keys to the DER form the plist never had.
    /// </summary>
    private static readonly string[] DecisiveKeys =
    [
        "TeamIdentifier", "UUID", "ExpirationDate", "ProvisionedDevices", "ProvisionsAllDevices", "DeveloperCertificates", "Entitlements",
    ];

    private static readonly Asn1Tag DictionaryTag = new(TagClass.ContextSpecific, 16, isConstructed: true);
    private static readonly Asn1Tag EntitlementsTag = new(TagClass.Application, 16, isConstructed: true);

    public static void CompareWith(ReadOnlyMemory<byte> encoded, PlistDictionary plist, List<string> problems)
    {
        var cms = new SignedCms();
        try
        {
            cms.Decode(encoded.Span);
        }
        catch (CryptographicException exception)
        {
            problems.Add($"DER-Encoded-Profile is not a CMS SignedData: {exception.Message}");
            return;
        }

        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException exception)
        {
            problems.Add($"DER-Encoded-Profile's own CMS signature does not verify: {exception.Message}");
        }

        Dictionary<string, PlistNode> der;
        try
        {
            der = Decode(cms.ContentInfo.Content);
        }
        catch (AsnContentException exception)
        {
            problems.Add($"DER-Encoded-Profile's content does not decode: {exception.Message}");
            return;
        }

        foreach (var (key, value) in der)
        {
            if (key == "DeveloperCertificates")
            {
                CompareCertificates(plist.GetValueOrDefault(key), value, problems);
            }
            else if (plist.TryGetValue(key, out var plistValue))
            {
                if (!Agree(plistValue, value))
                {
                    problems.Add($"The plist and DER-Encoded-Profile disagree on {key}.");
                }
            }
            else if (DecisiveKeys.Contains(key) && !IsFalse(value))
            {
                problems.Add($"DER-Encoded-Profile has {key}, which the plist lacks.");
            }
        }

        foreach (var key in DecisiveKeys)
        {
            if (plist.TryGetValue(key, out var plistValue) && !der.ContainsKey(key) && !IsFalse(plistValue))
            {
                problems.Add($"The plist has {key}, which DER-Encoded-Profile lacks.");
            }
        }
    }

    // An absent flag and a false one mean the same to iOS.
    private static bool IsFalse(PlistNode node) => node is PlistBoolean { Value: false };

    private static void CompareCertificates(PlistNode? plistValue, PlistNode derValue, List<string> problems)
    {
        if (plistValue is not PlistArray certificates || certificates.Any(item => item is not PlistData)
            || derValue is not PlistArray digests || digests.Any(item => item is not PlistData))
        {
            problems.Add("The plist and DER-Encoded-Profile disagree on DeveloperCertificates: one is not an array of data.");
            return;
        }

        var plistDigests = certificates.Cast<PlistData>()
            .Select(data => Convert.ToHexStringLower(SHA256.HashData(data.Value.Span)))
            .ToHashSet(StringComparer.Ordinal);
        var derDigests = digests.Cast<PlistData>()
            .Select(data => Convert.ToHexStringLower(data.Value.Span))
            .ToHashSet(StringComparer.Ordinal);
        if (!plistDigests.SetEquals(derDigests))
        {
            var onlyDer = derDigests.Except(plistDigests).Count();
            var onlyPlist = plistDigests.Except(derDigests).Count();
            problems.Add(
                $"The plist and DER-Encoded-Profile disagree on DeveloperCertificates: {onlyDer} SHA-256 digest(s) only in the DER form, {onlyPlist} certificate(s) only in the plist.");
        }
    }

    private static bool Agree(PlistNode plist, PlistNode der) => (plist, der) switch
    {
        (PlistString a, PlistString b) => a.Value == b.Value,
        (PlistBoolean a, PlistBoolean b) => a.Value == b.Value,
        (PlistInteger a, PlistInteger b) => a.Value == b.Value,

        // DER times carry whole seconds.
        (PlistDate a, PlistDate b) => a.Value.ToUnixTimeSeconds() == b.Value.ToUnixTimeSeconds(),
        (PlistData a, PlistData b) => a.Value.Span.SequenceEqual(b.Value.Span),
        (PlistArray a, PlistArray b) => SameItems(a, b),
        (PlistDictionary a, PlistDictionary b) =>
            a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && Agree(entry.Value, other)),
        _ => false,
    };

    /// <summary>Order is not compared: an allowlist or a device list means the same in any order.</summary>
    private static bool SameItems(PlistArray a, PlistArray b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        var left = Canonical(a);
        var right = Canonical(b);
        return left is not null && right is not null && left.SequenceEqual(right, StringComparer.Ordinal);
    }

    private static List<string>? Canonical(PlistArray array)
    {
        var items = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (!PlistJson.TryToCanonicalJson(item, out var json, MaxNodes, 16 * 1024 * 1024))
            {
                return null;
            }

            items.Add(json);
        }

        items.Sort(StringComparer.Ordinal);
        return items;
    }

    private static Dictionary<string, PlistNode> Decode(ReadOnlyMemory<byte> content)
    {
        var reader = new AsnReader(content, AsnEncodingRules.DER);
        var set = reader.ReadSetOf(skipSortOrderValidation: true);
        reader.ThrowIfNotEmpty();
        var nodes = 0;
        var result = new Dictionary<string, PlistNode>(StringComparer.Ordinal);
        while (set.HasData)
        {
            var (key, value) = ReadPair(set, depth: 1, ref nodes);
            if (!result.TryAdd(key, value))
            {
                throw new AsnContentException($"The key '{key}' appears twice.");
            }
        }

        return result;
    }

    private static (string Key, PlistNode Value) ReadPair(AsnReader reader, int depth, ref int nodes)
    {
        var pair = reader.ReadSequence();
        var key = pair.ReadCharacterString(UniversalTagNumber.UTF8String);
        var value = ReadValue(pair, depth, ref nodes);
        pair.ThrowIfNotEmpty();
        return (key, value);
    }

    private static PlistNode ReadValue(AsnReader reader, int depth, ref int nodes)
    {
        if (depth > MaxDepth)
        {
            throw new AsnContentException($"Values nest deeper than {MaxDepth}.");
        }

        if (++nodes > MaxNodes)
        {
            throw new AsnContentException($"More than {MaxNodes} values.");
        }

        var tag = reader.PeekTag();
        if (tag.TagClass == TagClass.Universal)
        {
            switch ((UniversalTagNumber)tag.TagValue)
            {
                case UniversalTagNumber.Boolean:
                    return new PlistBoolean(reader.ReadBoolean());
                case UniversalTagNumber.Integer:
                    return ReadInteger(reader);
                case UniversalTagNumber.UTF8String:
                    return new PlistString(reader.ReadCharacterString(UniversalTagNumber.UTF8String));
                case UniversalTagNumber.OctetString:
                    return new PlistData(reader.ReadOctetString());
                case UniversalTagNumber.UtcTime:
                    return new PlistDate(reader.ReadUtcTime());
                case UniversalTagNumber.GeneralizedTime:
                    return new PlistDate(reader.ReadGeneralizedTime());
                case UniversalTagNumber.Sequence:
                    var sequence = reader.ReadSequence();
                    var items = new List<PlistNode>();
                    while (sequence.HasData)
                    {
                        items.Add(ReadValue(sequence, depth + 1, ref nodes));
                    }

                    return new PlistArray(items);
            }
        }
        else if (tag == DictionaryTag)
        {
            return ReadDictionary(reader, depth, ref nodes);
        }
        else if (tag == EntitlementsTag)
        {
            // DOMAIN §5.6: [APPLICATION 16] { INTEGER 1, [CONTEXT 16] { SEQUENCE { key, value } … } }.
            var wrapper = reader.ReadSequence(EntitlementsTag);
            if (!wrapper.TryReadInt32(out var version) || version != 1)
            {
                throw new AsnContentException("DER entitlements are not version 1.");
            }

            var dictionary = ReadDictionary(wrapper, depth, ref nodes);
            wrapper.ThrowIfNotEmpty();
            return dictionary;
        }

        throw new AsnContentException($"A value has the unsupported tag {tag}.");
    }

    private static PlistDictionary ReadDictionary(AsnReader reader, int depth, ref int nodes)
    {
        var contents = reader.ReadSequence(DictionaryTag);
        var entries = new List<KeyValuePair<string, PlistNode>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (contents.HasData)
        {
            var (key, value) = ReadPair(contents, depth + 1, ref nodes);
            if (!keys.Add(key))
            {
                throw new AsnContentException($"The key '{key}' appears twice.");
            }

            entries.Add(new(key, value));
        }

        return new PlistDictionary(entries);
    }

    private static PlistInteger ReadInteger(AsnReader reader)
    {
        var value = reader.ReadInteger();
        if (value < (BigInteger)long.MinValue || value > (BigInteger)ulong.MaxValue)
        {
            throw new AsnContentException("An integer lies outside what a plist can hold.");
        }

        return new PlistInteger((Int128)value);
    }
}
