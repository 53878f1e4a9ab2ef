using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

/// <summary>What a test wants in an embedded signature; the defaults give a complete, consistent signature.</summary>
internal sealed record SignatureSpec
{
    public static readonly byte[] EmptyRequirements = Convert.FromHexString("fade0c010000000c00000000");

    /// <summary>T15's <c>{"key": true}</c>.</summary>
    public static readonly byte[] DerKeyTrue = Convert.FromHexString("700f020101b00a30080c036b65790101ff");

    public const string DefaultEntitlementsXml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n\t<key>key</key>\n\t<true/>\n</dict>\n</plist>\n";

    public string? Identifier { get; init; } = "com.example.app";

    public string? TeamId { get; init; } = "ABCDE12345";

    public uint Version { get; init; } = 0x20400;

    public uint Flags { get; init; }

    public CodeDirectoryHashType HashType { get; init; } = CodeDirectoryHashType.Sha256;

    /// <summary>When set, a second CD at slot 0x1000 with this hash type (real signatures: SHA-1 primary, SHA-256 alternate).</summary>
    public CodeDirectoryHashType? AlternateHashType { get; init; }

    public string? AlternateIdentifier { get; init; }

    public byte PageSizeLog2 { get; init; } = 12;

    public byte[]? Requirements { get; init; } = EmptyRequirements;

    public string? EntitlementsXml { get; init; } = DefaultEntitlementsXml;

    public byte[]? EntitlementsDer { get; init; } = DerKeyTrue;

    /// <summary>Arbitrary bytes standing for the CMS SignedData; null gives an ad hoc signature (CS_ADHOC, empty wrapper).</summary>
    public byte[]? Cms { get; init; } = Convert.FromHexString("3082000a06092a864886f70d010702");

    public bool OmitCmsWrapper { get; init; }

    public byte[]? InfoPlist { get; init; } = Encoding.UTF8.GetBytes("<plist><dict/></plist>");

    public byte[]? CodeResources { get; init; } = Encoding.UTF8.GetBytes("<plist><dict><key>files2</key><dict/></dict></plist>");

    /// <summary>Overrides the number of special slots written (normally the highest slot in use).</summary>
    public uint? SpecialSlotCount { get; init; }

    public ulong ExecSegmentFlags { get; init; } = 1;

    /// <summary>Non-zero bytes appended after the SuperBlob, inside datasize.</summary>
    public byte[]? TrailingBytes { get; init; }
}

internal sealed record BuiltSignature(byte[] Bytes, IReadOnlyDictionary<uint, int> BlobOffsets);

/// <summary>Builds SuperBlobs and CodeDirectories exactly as DOMAIN §5.4–5.5 and T13/T14 lay them out.</summary>
internal static class SignatureBuilder
{
    public static BuiltSignature Build(SignatureSpec spec, ReadOnlySpan<byte> code, ulong execSegmentLimit)
    {
        var blobs = new List<(uint Type, byte[] Bytes)>();
        var requirements = spec.Requirements;
        var xml = spec.EntitlementsXml is null ? null : Blob(0xFADE7171, Encoding.UTF8.GetBytes(spec.EntitlementsXml));
        var der = spec.EntitlementsDer is null ? null : Blob(0xFADE7172, spec.EntitlementsDer);
        var flags = spec.Flags | (spec.Cms is null ? 2u : 0u);

        byte[]?[] specialItems = [spec.InfoPlist, requirements, spec.CodeResources, null, xml, null, der];
        var highest = (uint)Array.FindLastIndex(specialItems, item => item is not null) + 1;
        var specialCount = spec.SpecialSlotCount ?? highest;

        blobs.Add((0, CodeDirectory(spec.Version, flags, spec.HashType, spec.PageSizeLog2, spec.Identifier, spec.TeamId,
            SpecialHashes(spec.HashType, specialItems, specialCount), code, 0, execSegmentLimit, spec.ExecSegmentFlags)));
        if (requirements is not null)
        {
            blobs.Add((2, requirements));
        }

        if (xml is not null)
        {
            blobs.Add((5, xml));
        }

        if (der is not null)
        {
            blobs.Add((7, der));
        }

        if (spec.AlternateHashType is { } alternate)
        {
            blobs.Add((0x1000, CodeDirectory(spec.Version, flags, alternate, spec.PageSizeLog2, spec.AlternateIdentifier ?? spec.Identifier,
                spec.TeamId, SpecialHashes(alternate, specialItems, specialCount), code, 0, execSegmentLimit, spec.ExecSegmentFlags)));
        }

        if (spec.Cms is not null || !spec.OmitCmsWrapper)
        {
            blobs.Add((0x10000, Blob(0xFADE0B01, spec.Cms ?? [])));
        }

        var result = SuperBlob(blobs, out var offsets);
        if (spec.TrailingBytes is not null)
        {
            result = [.. result, .. spec.TrailingBytes];
        }

        return new BuiltSignature(result, offsets);
    }

    public static byte[] Blob(uint magic, ReadOnlySpan<byte> payload) =>
        new ByteWriter().U32BE(magic).U32BE((uint)(8 + payload.Length)).Bytes(payload).ToArray();

    public static byte[] SuperBlob(IReadOnlyList<(uint Type, byte[] Bytes)> blobs, out Dictionary<uint, int> offsets)
    {
        offsets = [];
        var length = 12 + 8 * blobs.Count + blobs.Sum(b => b.Bytes.Length);
        var writer = new ByteWriter().U32BE(0xFADE0CC0).U32BE((uint)length).U32BE((uint)blobs.Count);
        var offset = 12 + 8 * blobs.Count;
        foreach (var (type, bytes) in blobs)
        {
            writer.U32BE(type).U32BE((uint)offset);
            offsets[type] = offset;
            offset += bytes.Length;
        }

        foreach (var (_, bytes) in blobs)
        {
            writer.Bytes(bytes);
        }

        return writer.ToArray();
    }

    public static byte[] Digest(CodeDirectoryHashType type, ReadOnlySpan<byte> data) => type switch
    {
        CodeDirectoryHashType.Sha1 => SHA1.HashData(data),
        CodeDirectoryHashType.Sha256 => SHA256.HashData(data),
        CodeDirectoryHashType.Sha256Truncated => SHA256.HashData(data)[..20],
        CodeDirectoryHashType.Sha384 => SHA384.HashData(data),
        CodeDirectoryHashType.Sha512 => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static int HeaderEnd(uint version) => version switch
    {
        >= 0x20600 => 108,
        >= 0x20500 => 96,
        >= 0x20400 => 88,
        >= 0x20300 => 64,
        >= 0x20200 => 52,
        >= 0x20100 => 48,
        _ => 44,
    };

    /// <summary>Header, identifier, team, special slots −n…−1, code slots: T13's layout.</summary>
    public static byte[] CodeDirectory(
        uint version, uint flags, CodeDirectoryHashType hashType, byte pageSizeLog2, string? identifier, string? teamId,
        byte[][] specialHashes, ReadOnlySpan<byte> code, ulong execSegmentBase, ulong execSegmentLimit, ulong execSegmentFlags)
    {
        var hashSize = Digest(hashType, []).Length;
        var headerEnd = HeaderEnd(version);
        byte[] ident = identifier is null ? [] : [.. Encoding.UTF8.GetBytes(identifier), (byte)0];
        byte[] team = teamId is null || version < 0x20200 ? [] : [.. Encoding.UTF8.GetBytes(teamId), (byte)0];
        var identOffset = identifier is null ? 0 : headerEnd;
        var teamOffset = team.Length == 0 ? 0 : headerEnd + ident.Length;
        var hashOffset = headerEnd + ident.Length + team.Length + specialHashes.Length * hashSize;
        var pageSize = pageSizeLog2 == 0 ? code.Length : 1 << pageSizeLog2;
        var nCodeSlots = code.Length == 0 ? 0 : (code.Length + pageSize - 1) / pageSize;
        var length = hashOffset + nCodeSlots * hashSize;

        var writer = new ByteWriter()
            .U32BE(0xFADE0C02).U32BE((uint)length).U32BE(version).U32BE(flags)
            .U32BE((uint)hashOffset).U32BE((uint)identOffset).U32BE((uint)specialHashes.Length).U32BE((uint)nCodeSlots)
            .U32BE((uint)code.Length).U8((byte)hashSize).U8((byte)hashType).U8(0).U8(pageSizeLog2).U32BE(0);
        if (version >= 0x20100)
        {
            writer.U32BE(0);
        }

        if (version >= 0x20200)
        {
            writer.U32BE((uint)teamOffset);
        }

        if (version >= 0x20300)
        {
            writer.U32BE(0).U64BE(0);
        }

        if (version >= 0x20400)
        {
            writer.U64BE(execSegmentBase).U64BE(execSegmentLimit).U64BE(execSegmentFlags);
        }

        writer.PadToLength(headerEnd).Bytes(ident).Bytes(team);
        for (var n = specialHashes.Length; n >= 1; n--)
        {
            writer.Bytes(specialHashes[n - 1]);
        }

        for (var page = 0; page < nCodeSlots; page++)
        {
            var start = page * pageSize;
            writer.Bytes(Digest(hashType, code[start..Math.Min(start + pageSize, code.Length)]));
        }

        return writer.ToArray();
    }

    private static byte[][] SpecialHashes(CodeDirectoryHashType type, byte[]?[] items, uint count)
    {
        var size = Digest(type, []).Length;
        return Enumerable.Range(0, (int)count)
            .Select(i => i < items.Length && items[i] is { } item ? Digest(type, item) : new byte[size])
            .ToArray();
    }
}
