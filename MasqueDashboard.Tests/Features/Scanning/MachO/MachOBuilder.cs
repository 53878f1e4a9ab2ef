using System.Text;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

/// <summary>Where the builder put things, so tests can corrupt one field at a time.</summary>
internal sealed record BuiltMachO(
    byte[] Bytes,
    int CommandsOffset,
    int SizeOfCommands,
    IReadOnlyDictionary<string, int> CommandOffsets,
    int TextSize,
    int SymbolTableOffset,
    int StringTableOffset,
    int SignatureOffset,
    int SignatureSize,
    IReadOnlyDictionary<uint, int> BlobOffsets);

internal sealed record FatSlice(byte[] Bytes, uint CpuType, uint CpuSubtype, uint Align = 14);

/// <summary>
/// Emits well-formed thin Mach-O images (header, segments, dylibs, rpaths, UUID, encryption info, LC_MAIN, symbol and
/// string tables, and an embedded signature whose page and special-slot hashes are correct) and fat files around
/// them. Everything a test does not set has a realistic default.
/// </summary>
internal sealed class MachOBuilder
{
    public const uint CpuArm = 12;
    public const uint CpuArm64 = 0x0100000C;

    public bool Is64Bit { get; init; } = true;

    public uint CpuType { get; init; } = CpuArm64;

    public uint CpuSubtype { get; init; }

    public uint FileType { get; init; } = 2;

    public uint Flags { get; init; } = 0x200085;

    public int TextSize { get; init; } = 0x2000;

    public IReadOnlyList<string> Dylibs { get; init; } = ["/System/Library/Frameworks/Foundation.framework/Foundation", "/usr/lib/libobjc.A.dylib"];

    public IReadOnlyList<string> Rpaths { get; init; } = ["@executable_path/Frameworks"];

    public byte[]? Uuid { get; init; } = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");

    public (uint Offset, uint Size, uint Id)? Encryption { get; init; } = (0x1000, 0x1000, 0);

    public IReadOnlyList<(string Name, byte Type)> Symbols { get; init; } =
    [
        ("__mh_execute_header", 0x0F),
        ("_main", 0x0F),
        ("_NSLog", 0x01),
        ("___stack_chk_fail", 0x01),
        ("___stack_chk_guard", 0x01),
        ("_objc_release", 0x01),
    ];

    public bool IncludeSymbolTable { get; init; } = true;

    public SignatureSpec? Signature { get; init; } = new();

    /// <summary>Raw commands appended after the standard ones (their sizes must already be aligned).</summary>
    public IReadOnlyList<byte[]> ExtraCommands { get; init; } = [];

    public BuiltMachO Build()
    {
        var align = Is64Bit ? 8 : 4;
        var headerSize = Is64Bit ? 32 : 28;
        var segmentSize = Is64Bit ? 72 : 56;
        var sectionSize = Is64Bit ? 80 : 68;

        var dylibCommands = Dylibs.Select(d => Align(24 + Encoding.UTF8.GetByteCount(d) + 1, align)).ToList();
        var rpathCommands = Rpaths.Select(r => Align(12 + Encoding.UTF8.GetByteCount(r) + 1, align)).ToList();
        var sizeOfCommands =
            segmentSize + (segmentSize + sectionSize) + segmentSize
            + (IncludeSymbolTable ? 24 : 0)
            + dylibCommands.Sum() + rpathCommands.Sum()
            + (Uuid is null ? 0 : 24)
            + (Encryption is null ? 0 : Is64Bit ? 24 : 20)
            + 24
            + (Signature is null ? 0 : 16)
            + ExtraCommands.Sum(c => c.Length);
        var commandsEnd = headerSize + sizeOfCommands;
        if (commandsEnd > TextSize)
        {
            throw new InvalidOperationException("the load commands do not fit in __TEXT");
        }

        var codeStart = Align(commandsEnd, 16);
        var nlistSize = Is64Bit ? 16 : 12;
        var symbolTableOffset = TextSize;
        var strings = new ByteWriter().U8(0x20).U8(0);
        var symbolIndexes = new List<uint>();
        foreach (var (name, _) in Symbols)
        {
            symbolIndexes.Add((uint)strings.Position);
            strings.CString(name);
        }

        var stringTable = strings.PadTo(8).ToArray();
        var stringTableOffset = IncludeSymbolTable ? symbolTableOffset + Symbols.Count * nlistSize : TextSize;
        var signatureOffset = Align(stringTableOffset + (IncludeSymbolTable ? stringTable.Length : 0), 16);
        var signatureSize = Signature is null
            ? 0
            : SignatureBuilder.Build(Signature, new byte[signatureOffset], (ulong)TextSize).Bytes.Length;
        var fileEnd = signatureOffset + signatureSize;
        var linkEditSize = fileEnd - TextSize;

        var offsets = new Dictionary<string, int>();
        var w = new ByteWriter();
        w.U32LE(Is64Bit ? 0xFEEDFACF : 0xFEEDFACE).U32LE(CpuType).U32LE(CpuSubtype).U32LE(FileType)
            .U32LE((uint)CountCommands(dylibCommands.Count, rpathCommands.Count)).U32LE((uint)sizeOfCommands).U32LE(Flags);
        if (Is64Bit)
        {
            w.U32LE(0);
        }

        var vmBase = Is64Bit ? 0x100000000UL : 0x4000UL;
        offsets["__PAGEZERO"] = w.Position;
        Segment(w, "__PAGEZERO", 0, vmBase, 0, 0, 0, 0);
        offsets["__TEXT"] = w.Position;
        Segment(w, "__TEXT", vmBase, (ulong)TextSize, 0, (ulong)TextSize, 5, 1);
        Section(w, "__text", "__TEXT", vmBase + (ulong)codeStart, (ulong)(TextSize - codeStart), (uint)codeStart, 0x80000400);
        offsets["__LINKEDIT"] = w.Position;
        Segment(w, "__LINKEDIT", vmBase + (ulong)TextSize, (ulong)Align(linkEditSize, 0x4000), (ulong)TextSize, (ulong)linkEditSize, 1, 0);

        if (IncludeSymbolTable)
        {
            offsets["LC_SYMTAB"] = w.Position;
            w.U32LE(0x2).U32LE(24).U32LE((uint)symbolTableOffset).U32LE((uint)Symbols.Count)
                .U32LE((uint)stringTableOffset).U32LE((uint)stringTable.Length);
        }

        for (var i = 0; i < Dylibs.Count; i++)
        {
            offsets[$"LC_LOAD_DYLIB:{i}"] = w.Position;
            var start = w.Position;
            w.U32LE(0xC).U32LE((uint)dylibCommands[i]).U32LE(24).U32LE(2).U32LE(0x10000).U32LE(0x10000).CString(Dylibs[i]);
            w.PadToLength(start + dylibCommands[i]);
        }

        for (var i = 0; i < Rpaths.Count; i++)
        {
            offsets[$"LC_RPATH:{i}"] = w.Position;
            var start = w.Position;
            w.U32LE(0x8000001C).U32LE((uint)rpathCommands[i]).U32LE(12).CString(Rpaths[i]);
            w.PadToLength(start + rpathCommands[i]);
        }

        if (Uuid is not null)
        {
            offsets["LC_UUID"] = w.Position;
            w.U32LE(0x1B).U32LE(24).Bytes(Uuid);
        }

        if (Encryption is { } encryption)
        {
            offsets["LC_ENCRYPTION_INFO"] = w.Position;
            w.U32LE(Is64Bit ? 0x2Cu : 0x21u).U32LE(Is64Bit ? 24u : 20u)
                .U32LE(encryption.Offset).U32LE(encryption.Size).U32LE(encryption.Id);
            if (Is64Bit)
            {
                w.U32LE(0);
            }
        }

        offsets["LC_MAIN"] = w.Position;
        w.U32LE(0x80000028).U32LE(24).U64LE((ulong)codeStart).U64LE(0);

        if (Signature is not null)
        {
            offsets["LC_CODE_SIGNATURE"] = w.Position;
            w.U32LE(0x1D).U32LE(16).U32LE((uint)signatureOffset).U32LE((uint)signatureSize);
        }

        foreach (var extra in ExtraCommands)
        {
            w.Bytes(extra);
        }

        if (w.Position != commandsEnd)
        {
            throw new InvalidOperationException($"commands end at {w.Position}, expected {commandsEnd}");
        }

        w.PadToLength(codeStart);
        while (w.Position < TextSize)
        {
            w.U8((byte)((w.Position * 7 + 3) & 0xFF));
        }

        if (IncludeSymbolTable)
        {
            for (var i = 0; i < Symbols.Count; i++)
            {
                var type = Symbols[i].Type;
                w.U32LE(symbolIndexes[i]).U8(type).U8((byte)((type & 0x0E) == 0x0E ? 1 : 0)).U16LE(0);
                if (Is64Bit)
                {
                    w.U64LE((type & 0x0E) == 0x0E ? vmBase + (ulong)codeStart : 0);
                }
                else
                {
                    w.U32LE((type & 0x0E) == 0x0E ? (uint)(vmBase + (ulong)codeStart) : 0);
                }
            }

            w.Bytes(stringTable);
        }

        w.PadToLength(signatureOffset);
        var blobOffsets = new Dictionary<uint, int>();
        var bytes = w.ToArray();
        if (Signature is not null)
        {
            var signature = SignatureBuilder.Build(Signature, bytes, (ulong)TextSize);
            bytes = [.. bytes, .. signature.Bytes];
            foreach (var (type, offset) in signature.BlobOffsets)
            {
                blobOffsets[type] = signatureOffset + offset;
            }
        }

        return new BuiltMachO(bytes, headerSize, sizeOfCommands, offsets, TextSize, symbolTableOffset, stringTableOffset,
            signatureOffset, signatureSize, blobOffsets);
    }

    /// <summary>A fat file (DOMAIN §5.2): big-endian header and fat_arch table, each slice at its alignment.</summary>
    public static (byte[] Bytes, int[] SliceOffsets) Fat(IReadOnlyList<FatSlice> slices, bool fat64 = false)
    {
        var entrySize = fat64 ? 32 : 20;
        var offset = 8 + slices.Count * entrySize;
        var sliceOffsets = new int[slices.Count];
        for (var i = 0; i < slices.Count; i++)
        {
            offset = Align(offset, 1 << (int)slices[i].Align);
            sliceOffsets[i] = offset;
            offset += slices[i].Bytes.Length;
        }

        var w = new ByteWriter().U32BE(fat64 ? 0xCAFEBABF : 0xCAFEBABE).U32BE((uint)slices.Count);
        for (var i = 0; i < slices.Count; i++)
        {
            w.U32BE(slices[i].CpuType).U32BE(slices[i].CpuSubtype);
            if (fat64)
            {
                w.U64BE((ulong)sliceOffsets[i]).U64BE((ulong)slices[i].Bytes.Length).U32BE(slices[i].Align).U32BE(0);
            }
            else
            {
                w.U32BE((uint)sliceOffsets[i]).U32BE((uint)slices[i].Bytes.Length).U32BE(slices[i].Align);
            }
        }

        for (var i = 0; i < slices.Count; i++)
        {
            w.PadToLength(sliceOffsets[i]).Bytes(slices[i].Bytes);
        }

        return (w.ToArray(), sliceOffsets);
    }

    /// <summary>The usual universal iOS binary: armv7 and arm64 slices, both signed.</summary>
    public static (byte[] Bytes, int[] SliceOffsets) UniversalApp(uint align = 14) => Fat(
    [
        new FatSlice(new MachOBuilder { Is64Bit = false, CpuType = CpuArm, CpuSubtype = 9 }.Build().Bytes, CpuArm, 9, align),
        new FatSlice(new MachOBuilder().Build().Bytes, CpuArm64, 0, align),
    ]);

    public static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private int CountCommands(int dylibs, int rpaths) =>
        3 + (IncludeSymbolTable ? 1 : 0) + dylibs + rpaths + (Uuid is null ? 0 : 1) + (Encryption is null ? 0 : 1) + 1
        + (Signature is null ? 0 : 1) + ExtraCommands.Count;

    private void Segment(ByteWriter w, string name, ulong vmAddress, ulong vmSize, ulong fileOffset, ulong fileSize, uint prot, uint nsects)
    {
        var size = (Is64Bit ? 72u : 56u) + nsects * (Is64Bit ? 80u : 68u);
        w.U32LE(Is64Bit ? 0x19u : 0x1u).U32LE(size).FixedName(name, 16);
        if (Is64Bit)
        {
            w.U64LE(vmAddress).U64LE(vmSize).U64LE(fileOffset).U64LE(fileSize);
        }
        else
        {
            w.U32LE((uint)vmAddress).U32LE((uint)vmSize).U32LE((uint)fileOffset).U32LE((uint)fileSize);
        }

        w.U32LE(prot).U32LE(prot).U32LE(nsects).U32LE(0);
    }

    private void Section(ByteWriter w, string name, string segment, ulong address, ulong size, uint offset, uint flags)
    {
        w.FixedName(name, 16).FixedName(segment, 16);
        if (Is64Bit)
        {
            w.U64LE(address).U64LE(size);
        }
        else
        {
            w.U32LE((uint)address).U32LE((uint)size);
        }

        w.U32LE(offset).U32LE(2).U32LE(0).U32LE(0).U32LE(flags).U32LE(0).U32LE(0);
        if (Is64Bit)
        {
            w.U32LE(0);
        }
    }
}
