using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// Verifies the CMS blob of a Mach-O code signature (DOMAIN §5.8): a detached SignedData over the slot-0
/// CodeDirectory, whose signer must chain to a trusted root at its signing time, and whose cdhashes
/// attribute must name every CodeDirectory present, since an alternate CD it omits is signed by nobody.
/// </summary>
public static class CodeSignatureVerifier
{
    /// <summary>Apple's signed attribute holding the plist <c>{ cdhashes: [data] }</c>.</summary>
    public const string CdHashesAttributeOid = "1.2.840.113635.100.9.1";

    /// <summary>Magic of the SuperBlob entry that wraps the CMS (index type 0x10000, DOMAIN §5.4).</summary>
    public const uint BlobWrapperMagic = 0xFADE0B01;

    /// <summary>Real signatures are a few KiB (leaf, WWDR intermediate, attributes); this bounds hostile ones.</summary>
    public const int MaxCmsBytes = 1024 * 1024;

    /// <summary>
    /// Judges <paramref name="cmsBlob"/>: the DER SignedData, or the whole <c>0xFADE0B01</c> blob around it.
    /// An empty blob, or an empty wrapper (length 8), is ad hoc signing: <see cref="SignerVerification.IsSigned"/>
    /// is false. Bytes that do not decode are a problem, never an exception.
    /// </summary>
    /// <param name="codeDirectory">The slot-0 CodeDirectory blob, exactly its <c>length</c> bytes.</param>
    /// <param name="allCdHashes">The 20-byte cdhash of every CodeDirectory in the signature, slot 0 included.</param>
    /// <param name="time">The clock used only when the CMS carries no signingTime; the system clock when null.</param>
    public static SignerVerification Verify(
        ReadOnlySpan<byte> cmsBlob,
        ReadOnlySpan<byte> codeDirectory,
        IReadOnlyList<byte[]> allCdHashes,
        TrustRoots roots,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(allCdHashes);
        ArgumentNullException.ThrowIfNull(roots);

        var problems = new List<string>();
        var payload = Unwrap(cmsBlob, problems, out var wrapperBroken);
        if (wrapperBroken)
        {
            return new SignerVerification(true, false, false, null, [], null, problems);
        }

        if (payload.IsEmpty)
        {
            return SignerVerification.Unsigned("The code signature has no CMS blob: the code is ad hoc signed.");
        }

        if (payload.Length > MaxCmsBytes)
        {
            return SignerVerification.Broken($"The CMS blob of {payload.Length} bytes exceeds the limit of {MaxCmsBytes}.");
        }

        var cms = new SignedCms();
        try
        {
            cms.Decode(payload);
        }
        catch (CryptographicException exception)
        {
            return SignerVerification.Broken($"The CMS blob is not a DER SignedData: {exception.Message}");
        }

        // Apple's signature is detached. One that embeds content is judged over that content, which must
        // then be the CodeDirectory itself.
        var embedded = cms.ContentInfo.Content;
        if (embedded.Length > 0)
        {
            problems.Add("The CMS embeds its content instead of signing the CodeDirectory detached, as Apple's signatures do.");
        }
        else
        {
            cms = new SignedCms(new ContentInfo(codeDirectory.ToArray()), detached: true);
            cms.Decode(payload);
        }

        if (cms.ContentInfo.ContentType.Value != CmsSignerJudge.IdData)
        {
            problems.Add($"The CMS content type is {cms.ContentInfo.ContentType.Value}, not id-data.");
        }

        var verification = CmsSignerJudge.Judge(
            cms,
            roots,
            fallbackTime: null,
            time ?? TimeProvider.System,
            forCodeSigning: true,
            problems,
            signer => CheckCdHashes(signer, allCdHashes, problems));
        if (embedded.Length > 0 && !codeDirectory.SequenceEqual(embedded))
        {
            return verification with
            {
                SignatureValid = false,
                Problems = [.. verification.Problems, "The embedded content is not the CodeDirectory, so the signature does not cover it."],
            };
        }

        return verification;
    }

    private static ReadOnlySpan<byte> Unwrap(ReadOnlySpan<byte> blob, List<string> problems, out bool broken)
    {
        broken = false;
        if (blob.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(blob) != BlobWrapperMagic)
        {
            return blob;
        }

        if (blob.Length < 8)
        {
            problems.Add("The CMS wrapper blob is shorter than its 8-byte header.");
            broken = true;
            return default;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob[4..]);
        if (length < 8 || length > (uint)blob.Length)
        {
            problems.Add($"The CMS wrapper blob claims {length} bytes where {blob.Length} are present.");
            broken = true;
            return default;
        }

        return blob[8..(int)length];
    }

    private static void CheckCdHashes(SignerInfo signer, IReadOnlyList<byte[]> allCdHashes, List<string> problems)
    {
        var values = CmsSignerJudge.SignedAttributeValues(signer, CdHashesAttributeOid, "the cdhashes", problems);
        if (values is null)
        {
            return;
        }

        if (values.Count == 0)
        {
            problems.Add(allCdHashes.Count > 1
                ? $"The CMS has no cdhashes attribute ({CdHashesAttributeOid}): {allCdHashes.Count - 1} alternate CodeDirectories are signed by nobody."
                : $"The CMS has no cdhashes attribute ({CdHashesAttributeOid}).");
            return;
        }

        if (values.Count > 1)
        {
            problems.Add("The CMS carries more than one cdhashes attribute value; none is used.");
            return;
        }

        var signed = ReadCdHashes(values[0].RawData, problems);
        if (signed is null)
        {
            return;
        }

        foreach (var cdHash in allCdHashes)
        {
            ArgumentNullException.ThrowIfNull(cdHash, nameof(allCdHashes));
            if (!signed.Contains(Convert.ToHexStringLower(cdHash)))
            {
                problems.Add($"CodeDirectory {Convert.ToHexStringLower(cdHash)} is not in the signed cdhashes attribute: nothing signs it.");
            }
        }
    }

    private static HashSet<string>? ReadCdHashes(byte[] attributeValue, List<string> problems)
    {
        byte[] plist;
        try
        {
            plist = AsnDecoder.ReadOctetString(attributeValue, AsnEncodingRules.DER, out var consumed);
            if (consumed != attributeValue.Length)
            {
                throw new AsnContentException("trailing bytes");
            }
        }
        catch (AsnContentException exception)
        {
            problems.Add($"The cdhashes attribute is not an OCTET STRING ({exception.Message}).");
            return null;
        }

        if (!PlistReader.TryRead(plist, out var document, out var error)
            || document.Root is not PlistDictionary root
            || root.GetArray("cdhashes") is not { } list)
        {
            problems.Add($"The cdhashes attribute is not a plist with a cdhashes array{(error is null ? "" : $": {error.Message}")}.");
            return null;
        }

        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is PlistData data)
            {
                hashes.Add(Convert.ToHexStringLower(data.Value.Span));
            }
            else
            {
                problems.Add("The cdhashes attribute lists an item that is not data.");
            }
        }

        return hashes;
    }
}
