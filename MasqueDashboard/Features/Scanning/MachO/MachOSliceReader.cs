using System.Text;
using static MasqueDashboard.Features.Scanning.MachO.MachOConstants;

namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// Reads one thin Mach-O image (DOMAIN §5.1, 5.3, 5.10) within the slice <c>[sliceOffset, sliceOffset + sliceSize)</c>.
/// Stricter than Go's debug/macho: fixed-size commands must have their exact size, single-instance commands may not
/// repeat, every string must be NUL-terminated inside its command, and every file range must lie inside the slice.
/// </summary>
internal sealed class MachOSliceReader
{
    /// <summary><c>n_sect</c> is one byte, so no image can address more sections than this.</summary>
    private const int MaxSections = 255;

    /// <summary>Imported names are read with a bounded search for their NUL so that hostile string tables cannot make the
    /// scan quadratic; no real symbol is anywhere near this long.</summary>
    private const int MaxSymbolNameLength = 64 * 1024;

    /// <summary>Real images carry a few dozen commands (a few hundred with many dylibs); the cap bounds allocation.</summary>
    private const int MaxLoadCommands = 8192;

    /// <summary>Kept imported names stop here even below <see cref="MachOReaderOptions.MaxImportedSymbolNames"/>, so that
    /// many symbols sharing one long hostile name cannot multiply memory.</summary>
    private const long MaxImportedNameBytes = 8L * 1024 * 1024;

    private readonly ByteSource _source;
    private readonly long _sliceOffset;
    private readonly long _sliceSize;
    private readonly MachOReaderOptions _options;
    private readonly CancellationToken _token;

    private readonly List<MachOProblem> _problems = [];
    private readonly List<LoadCommandInfo> _commands = [];
    private readonly List<MachOSegment> _segments = [];
    private readonly List<DylibReference> _dylibs = [];
    private readonly List<string> _rpaths = [];
    private readonly HashSet<uint> _singletons = [];
    private bool _is64;
    private int _sectionCount;
    private string? _installName;
    private EncryptionInfo? _encryption;
    private Guid? _uuid;
    private ulong? _entryPoint;
    private (long CommandOffset, uint SymOff, uint NSyms, uint StrOff, uint StrSize)? _symtab;
    private (long CommandOffset, uint DataOff, uint DataSize)? _codeSignature;

    private MachOSliceReader(ByteSource source, long sliceOffset, long sliceSize, MachOReaderOptions options, CancellationToken token)
    {
        _source = source;
        _sliceOffset = sliceOffset;
        _sliceSize = sliceSize;
        _options = options;
        _token = token;
    }

    public static MachOSlice Read(ByteSource source, long sliceOffset, long sliceSize, MachOReaderOptions options, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        return new MachOSliceReader(source, sliceOffset, sliceSize, options, token).Read();
    }

    private MachOSlice Read()
    {
        if (_sliceSize < 4)
        {
            throw new PackageFormatException($"a {_sliceSize}-byte slice cannot hold a Mach-O header", _sliceOffset);
        }

        var magic = _source.ReadWindow((ulong)_sliceOffset, 4, "Mach-O magic", _sliceOffset).U32LE(0, "magic");
        _is64 = magic switch
        {
            MachMagic64 => true,
            MachMagic32 => false,
            MachCigam32 or MachCigam64 => throw new PackageFormatException("big-endian Mach-O is not an iOS binary", _sliceOffset),
            FatCigam or FatCigam64 => throw new PackageFormatException("a fat slice must be a thin Mach-O, not another fat file", _sliceOffset),
            _ => throw new PackageFormatException($"magic 0x{magic:X8} is not a Mach-O", _sliceOffset),
        };

        var headerSize = _is64 ? MachHeaderSize64 : MachHeaderSize32;
        if (_sliceSize < headerSize)
        {
            throw new PackageFormatException($"the Mach-O header needs {headerSize} bytes, the slice has {_sliceSize}", _sliceOffset);
        }

        var header = _source.ReadWindow((ulong)_sliceOffset, (ulong)headerSize, "Mach-O header", _sliceOffset);
        var cpuType = header.U32LE(4, "cputype");
        var cpuSubtypeRaw = header.U32LE(8, "cpusubtype");
        var fileType = header.U32LE(12, "filetype");
        var ncmds = header.U32LE(16, "ncmds");
        var sizeOfCmds = header.U32LE(20, "sizeofcmds");
        var flags = header.U32LE(24, "flags");

        var abi = cpuType & CpuArchMask;
        var abiMatches = _is64 ? abi == CpuArchAbi64 : abi is 0 or CpuArchAbi64_32;
        if (!abiMatches)
        {
            throw header.Fail($"cputype 0x{cpuType:X} does not match a {(_is64 ? 64 : 32)}-bit header", 4);
        }

        if (!Ranges.Within((ulong)headerSize, sizeOfCmds, (ulong)_sliceSize))
        {
            throw header.Fail($"sizeofcmds {sizeOfCmds} runs past the {_sliceSize}-byte slice", 20);
        }

        if (ncmds > MaxLoadCommands || (ulong)ncmds * 8 > sizeOfCmds)
        {
            throw header.Fail($"ncmds {ncmds} cannot fit in sizeofcmds {sizeOfCmds}", 16);
        }

        var commands = _source.ReadWindow((ulong)(_sliceOffset + headerSize), sizeOfCmds, "load commands", _sliceOffset + 20);
        ReadLoadCommands(commands, ncmds);

        var commandsEnd = (ulong)headerSize + sizeOfCmds;
        CheckEncryptionRange(commandsEnd);
        var symbols = _symtab is { } symtab ? ReadSymbols(symtab) : SymbolSummary.None;
        var signature = _codeSignature is { } cs ? ReadCodeSignature(cs, commandsEnd) : null;

        var cpuSubtype = cpuSubtypeRaw & ~CpuSubtypeMask;
        return new MachOSlice
        {
            Offset = _sliceOffset,
            Size = _sliceSize,
            CpuType = cpuType,
            CpuSubtype = cpuSubtype,
            CpuSubtypeRaw = cpuSubtypeRaw,
            Architecture = ArchitectureName(cpuType, cpuSubtype),
            Is64Bit = _is64,
            FileType = (MachOFileType)fileType,
            Flags = (MachOHeaderFlags)flags,
            LoadCommands = _commands.AsReadOnly(),
            Segments = _segments.AsReadOnly(),
            LinkedDylibs = _dylibs.AsReadOnly(),
            InstallName = _installName,
            Rpaths = _rpaths.AsReadOnly(),
            Encryption = _encryption,
            CodeSignature = signature,
            Symbols = symbols,
            Uuid = _uuid,
            EntryPointOffset = _entryPoint,
            Problems = _problems.AsReadOnly(),
        };
    }

    public static string ArchitectureName(uint cpuType, uint cpuSubtype) => (cpuType, cpuSubtype) switch
    {
        (CpuTypeArm, 0) => "arm",
        (CpuTypeArm, 5) => "armv4t",
        (CpuTypeArm, 6) => "armv6",
        (CpuTypeArm, 7) => "armv5",
        (CpuTypeArm, 8) => "xscale",
        (CpuTypeArm, 9) => "armv7",
        (CpuTypeArm, 10) => "armv7f",
        (CpuTypeArm, 11) => "armv7s",
        (CpuTypeArm, 12) => "armv7k",
        (CpuTypeArm, 13) => "armv8",
        (CpuTypeArm, 14) => "armv6m",
        (CpuTypeArm, 15) => "armv7m",
        (CpuTypeArm, 16) => "armv7em",
        (CpuTypeArm64, 0) => "arm64",
        (CpuTypeArm64, 1) => "arm64v8",
        (CpuTypeArm64, 2) => "arm64e",
        (CpuTypeArm64_32, 0 or 1) => "arm64_32",
        (CpuTypeX86, 3) => "i386",
        (CpuTypeX86_64, 3) => "x86_64",
        (CpuTypeX86_64, 8) => "x86_64h",
        _ => $"cpu{cpuType}/{cpuSubtype}",
    };

    private void ReadLoadCommands(ByteWindow commands, uint ncmds)
    {
        var alignment = _is64 ? 8u : 4u;
        ulong position = 0;
        for (var i = 0u; i < ncmds; i++)
        {
            if (!commands.Contains(position, 8))
            {
                throw commands.Fail($"load command {i} starts past sizeofcmds", position);
            }

            var cmd = commands.U32LE(position, "cmd");
            var cmdSize = commands.U32LE(position + 4, "cmdsize");
            if (cmdSize < 8 || cmdSize % alignment != 0)
            {
                throw commands.Fail($"load command {i} has cmdsize {cmdSize}, not a multiple of {alignment} of at least 8", position + 4);
            }

            if (!commands.Contains(position, cmdSize))
            {
                throw commands.Fail($"load command {i} ({cmdSize} bytes) runs past sizeofcmds", position + 4);
            }

            var command = commands.Sub(position, cmdSize, "load command");
            _commands.Add(new LoadCommandInfo(cmd, command.BaseOffset, cmdSize));
            ReadCommand(cmd, command);
            position += cmdSize;
        }

        if (position != (ulong)commands.Length)
        {
            _problems.Add(new MachOProblem(
                MachOProblemCodes.LoadCommandSlack,
                $"the load commands end at {position} of sizeofcmds {commands.Length}",
                commands.BaseOffset + (long)position));
        }
    }

    private void ReadCommand(uint cmd, ByteWindow command)
    {
        switch (cmd)
        {
            case LcSegment or LcSegment64:
                ReadSegment(cmd, command);
                break;
            case LcSymtab:
                Single(cmd, command);
                ExactSize(command, SymtabCommandSize);
                _symtab = (command.BaseOffset, command.U32LE(8, "symoff"), command.U32LE(12, "nsyms"), command.U32LE(16, "stroff"), command.U32LE(20, "strsize"));
                break;
            case LcDysymtab:
                Single(cmd, command);
                break;
            case LcLoadDylib or LcLoadWeakDylib or LcReexportDylib or LcLazyLoadDylib or LcLoadUpwardDylib:
                _dylibs.Add(ReadDylib(cmd, command));
                break;
            case LcIdDylib:
                Single(cmd, command);
                _installName = ReadDylib(cmd, command).Name;
                break;
            case LcRpath:
                MinimumSize(command, RpathCommandSize);
                _rpaths.Add(ReadCommandString(command, 8, RpathCommandSize, "LC_RPATH path"));
                break;
            case LcUuid:
                Single(cmd, command);
                ExactSize(command, UuidCommandSize);
                _uuid = new Guid(command.Read(8, 16, "uuid"), bigEndian: true);
                break;
            case LcCodeSignature:
                Single(cmd, command);
                ExactSize(command, LinkeditDataCommandSize);
                var dataOff = command.U32LE(8, "dataoff");
                var dataSize = command.U32LE(12, "datasize");
                if (!Ranges.Within(dataOff, dataSize, (ulong)_sliceSize))
                {
                    throw command.Fail($"the code signature ({dataSize} bytes at {dataOff}) runs past the {_sliceSize}-byte slice", 8);
                }

                _codeSignature = (command.BaseOffset, dataOff, dataSize);
                break;
            case LcEncryptionInfo or LcEncryptionInfo64:
                ReadEncryption(cmd, command);
                break;
            case LcMain:
                Single(cmd, command);
                ExactSize(command, EntryPointCommandSize);
                _entryPoint = command.U64LE(8, "entryoff");
                break;
            case LcDyldInfo or LcDyldInfoOnly or LcVersionMinIphoneos or LcFunctionStarts or LcSourceVersion or LcBuildVersion
                or LcDyldExportsTrie or LcDyldChainedFixups:
                break;
            default:
                if ((cmd & LcReqDyld) != 0)
                {
                    _problems.Add(new MachOProblem(
                        MachOProblemCodes.UnknownRequiredCommand,
                        $"load command 0x{cmd:X8} is marked LC_REQ_DYLD but is unknown",
                        command.BaseOffset));
                }

                break;
        }
    }

    private void Single(uint cmd, ByteWindow command)
    {
        // dyld refuses a second LC_SYMTAB, LC_CODE_SIGNATURE, LC_UUID… : which one a tool reads would be ambiguous.
        var key = cmd == LcEncryptionInfo64 ? LcEncryptionInfo : cmd;
        if (!_singletons.Add(key))
        {
            throw command.Fail($"a second {new LoadCommandInfo(cmd, 0, 0).Name} command", 0);
        }
    }

    private static void ExactSize(ByteWindow command, int size)
    {
        if (command.Length != size)
        {
            throw command.Fail($"cmdsize {command.Length} should be {size}", 4);
        }
    }

    private static void MinimumSize(ByteWindow command, int size)
    {
        if (command.Length < size)
        {
            throw command.Fail($"cmdsize {command.Length} is below the minimum of {size}", 4);
        }
    }

    private void ReadSegment(uint cmd, ByteWindow command)
    {
        var is64Command = cmd == LcSegment64;
        if (is64Command != _is64)
        {
            throw command.Fail($"{(is64Command ? "LC_SEGMENT_64" : "LC_SEGMENT")} in a {(_is64 ? 64 : 32)}-bit image", 0);
        }

        var headerSize = is64Command ? SegmentCommandSize64 : SegmentCommandSize32;
        var sectionSize = is64Command ? SectionSize64 : SectionSize32;
        MinimumSize(command, headerSize);
        var name = command.FixedName(8, 16, "segname");
        ulong vmAddress, vmSize, fileOffset, fileSize;
        uint maxProt, initProt, nsects, segFlags;
        ulong p;
        if (is64Command)
        {
            vmAddress = command.U64LE(24, "vmaddr");
            vmSize = command.U64LE(32, "vmsize");
            fileOffset = command.U64LE(40, "fileoff");
            fileSize = command.U64LE(48, "filesize");
            p = 56;
        }
        else
        {
            vmAddress = command.U32LE(24, "vmaddr");
            vmSize = command.U32LE(28, "vmsize");
            fileOffset = command.U32LE(32, "fileoff");
            fileSize = command.U32LE(36, "filesize");
            p = 40;
        }

        maxProt = command.U32LE(p, "maxprot");
        initProt = command.U32LE(p + 4, "initprot");
        nsects = command.U32LE(p + 8, "nsects");
        segFlags = command.U32LE(p + 12, "flags");

        if (!Ranges.Within(fileOffset, fileSize, (ulong)_sliceSize))
        {
            // The kernel's load_segment refuses a segment whose file range leaves the slice.
            throw command.Fail($"segment {name} ({fileSize} bytes at {fileOffset}) runs past the {_sliceSize}-byte slice", is64Command ? 40ul : 32ul);
        }

        if ((ulong)nsects * (ulong)sectionSize > (ulong)command.Length - (ulong)headerSize)
        {
            throw command.Fail($"segment {name} declares {nsects} sections that do not fit its cmdsize {command.Length}", p + 8);
        }

        _sectionCount += (int)nsects;
        if (_sectionCount > MaxSections)
        {
            throw command.Fail($"more than {MaxSections} sections (n_sect is one byte)", p + 8);
        }

        var sections = new List<MachOSection>((int)nsects);
        for (var s = 0u; s < nsects; s++)
        {
            var at = (ulong)headerSize + (ulong)s * (ulong)sectionSize;
            var sectName = command.FixedName(at, 16, "sectname");
            var sectSegName = command.FixedName(at + 16, 16, "section segname");
            ulong address, size;
            uint offset, sectFlags;
            if (is64Command)
            {
                address = command.U64LE(at + 32, "addr");
                size = command.U64LE(at + 40, "size");
                offset = command.U32LE(at + 48, "offset");
                sectFlags = command.U32LE(at + 64, "flags");
            }
            else
            {
                address = command.U32LE(at + 32, "addr");
                size = command.U32LE(at + 36, "size");
                offset = command.U32LE(at + 40, "offset");
                sectFlags = command.U32LE(at + 56, "flags");
            }

            var type = sectFlags & SectionTypeMask;
            var zeroFill = type is SZeroFill or SGbZeroFill or SThreadLocalZeroFill;
            if (!zeroFill && size != 0 && !Ranges.Within(offset, size, (ulong)_sliceSize))
            {
                _problems.Add(new MachOProblem(
                    MachOProblemCodes.SectionRange,
                    $"section {sectSegName},{sectName} ({size} bytes at {offset}) runs past the slice",
                    command.BaseOffset + (long)at));
            }

            sections.Add(new MachOSection(sectName, sectSegName, address, size, offset, sectFlags));
        }

        _segments.Add(new MachOSegment(name, vmAddress, vmSize, fileOffset, fileSize, maxProt, initProt, segFlags, sections.AsReadOnly()));
    }

    private static DylibReference ReadDylib(uint cmd, ByteWindow command)
    {
        MinimumSize(command, DylibCommandSize);
        var name = ReadCommandString(command, 8, DylibCommandSize, "dylib name");
        return new DylibReference(name, cmd, command.U32LE(16, "current_version"), command.U32LE(20, "compatibility_version"));
    }

    /// <summary>An <c>lc_str</c>: an offset from the command's start to a string that must end inside the command.</summary>
    private static string ReadCommandString(ByteWindow command, ulong field, int fixedSize, string what)
    {
        var offset = command.U32LE(field, what);
        if (offset < fixedSize || offset >= command.Length)
        {
            throw command.Fail($"{what} offset {offset} is outside {fixedSize}…{command.Length}", field);
        }

        return command.CString(offset, (ulong)command.Length, what, command.BaseOffset + (long)field);
    }

    private void ReadEncryption(uint cmd, ByteWindow command)
    {
        var is64Command = cmd == LcEncryptionInfo64;
        if (is64Command != _is64)
        {
            throw command.Fail($"{(is64Command ? "LC_ENCRYPTION_INFO_64" : "LC_ENCRYPTION_INFO")} in a {(_is64 ? 64 : 32)}-bit image", 0);
        }

        Single(cmd, command);
        ExactSize(command, is64Command ? EncryptionInfoCommandSize64 : EncryptionInfoCommandSize32);
        var cryptOff = command.U32LE(8, "cryptoff");
        var cryptSize = command.U32LE(12, "cryptsize");
        var cryptId = command.U32LE(16, "cryptid");
        if (!Ranges.Within(cryptOff, cryptSize, (ulong)_sliceSize))
        {
            throw command.Fail($"the encrypted range ({cryptSize} bytes at {cryptOff}) runs past the {_sliceSize}-byte slice", 8);
        }

        _encryption = new EncryptionInfo(command.BaseOffset, cryptOff, cryptSize, cryptId);
    }

    /// <summary>DOMAIN §5.3: the encrypted range must lie inside a segment and not overlap the load commands.</summary>
    private void CheckEncryptionRange(ulong commandsEnd)
    {
        if (_encryption is not { CryptSize: > 0 } encryption)
        {
            return;
        }

        var insideSegment = _segments.Any(s =>
            s.FileOffset <= encryption.CryptOffset && Ranges.Within(encryption.CryptOffset - s.FileOffset, encryption.CryptSize, s.FileSize));
        if (!insideSegment || encryption.CryptOffset < commandsEnd)
        {
            _problems.Add(new MachOProblem(
                MachOProblemCodes.EncryptionRange,
                insideSegment
                    ? $"the encrypted range at {encryption.CryptOffset} overlaps the load commands ending at {commandsEnd}"
                    : $"the encrypted range ({encryption.CryptSize} bytes at {encryption.CryptOffset}) is not inside one segment",
                encryption.CommandOffset + 8));
        }
    }

    private SymbolSummary ReadSymbols((long CommandOffset, uint SymOff, uint NSyms, uint StrOff, uint StrSize) symtab)
    {
        var entrySize = _is64 ? NlistSize64 : NlistSize32;
        if (!Ranges.Within(symtab.SymOff, (ulong)symtab.NSyms * (ulong)entrySize, (ulong)_sliceSize))
        {
            throw new PackageFormatException($"{symtab.NSyms} symbols at {symtab.SymOff} run past the {_sliceSize}-byte slice", symtab.CommandOffset + 8);
        }

        if (!Ranges.Within(symtab.StrOff, symtab.StrSize, (ulong)_sliceSize))
        {
            throw new PackageFormatException($"the string table ({symtab.StrSize} bytes at {symtab.StrOff}) runs past the slice", symtab.CommandOffset + 16);
        }

        var strings = _source.ReadWindow((ulong)_sliceOffset + symtab.StrOff, symtab.StrSize, "string table", symtab.CommandOffset + 16);
        var names = new List<string>();
        long imported = 0, keptNameBytes = 0;
        bool guard = false, fail = false, arc = false, local = false;

        const int entriesPerChunk = 4096;
        var buffer = new byte[entriesPerChunk * entrySize];
        for (var first = 0u; first < symtab.NSyms; first += entriesPerChunk)
        {
            _token.ThrowIfCancellationRequested();
            var count = (int)Math.Min(entriesPerChunk, symtab.NSyms - first);
            var chunkOffset = _sliceOffset + symtab.SymOff + (long)first * entrySize;
            var chunk = buffer.AsSpan(0, count * entrySize);
            _source.ReadExactly(chunkOffset, chunk);
            var window = new ByteWindow(buffer.AsMemory(0, chunk.Length), chunkOffset);
            for (var i = 0; i < count; i++)
            {
                var at = (ulong)(i * entrySize);
                var strx = window.U32LE(at, "n_strx");
                var type = window.U8(at + 4, "n_type");
                if (strx >= symtab.StrSize && !(strx == 0 && symtab.StrSize == 0))
                {
                    throw window.Fail($"symbol {first + i} names offset {strx} outside the {symtab.StrSize}-byte string table", at);
                }

                var isImport = (type & NStab) == 0 && (type & NTypeMask) == NUndf && (type & NExt) != 0;
                if (isImport)
                {
                    imported++;
                    guard |= NameIs(strings, strx, "___stack_chk_guard"u8);
                    fail |= NameIs(strings, strx, "___stack_chk_fail"u8);
                    arc |= NameIs(strings, strx, "_objc_release"u8) || NameIs(strings, strx, "_swift_release"u8);
                    if (names.Count < _options.MaxImportedSymbolNames && keptNameBytes < MaxImportedNameBytes)
                    {
                        var name = ReadSymbolName(strings, strx, window.BaseOffset + (long)at);
                        keptNameBytes += name.Length;
                        names.Add(name);
                    }
                }
                else if (!local && ((type & NStab) != 0 || type is 0x0E or 0x1E))
                {
                    // MobSF's "stripped" test ignores the linker's own markers (DOMAIN §5.10).
                    local = !NameIs(strings, strx, "radr://5614542"u8) && !NameIs(strings, strx, "__mh_execute_header"u8);
                }
            }
        }

        return new SymbolSummary
        {
            HasSymbolTable = true,
            SymbolCount = symtab.NSyms,
            ImportedSymbolCount = imported,
            ImportedSymbols = names.AsReadOnly(),
            HasStackCheckGuard = guard,
            HasStackCheckFail = fail,
            UsesArc = arc,
            HasLocalSymbols = local,
        };
    }

    /// <summary>Compares without searching for the NUL, so each symbol costs at most the length of the known name.</summary>
    private static bool NameIs(ByteWindow strings, uint strx, ReadOnlySpan<byte> name)
    {
        var rest = strings.Span[Math.Min((int)strx, strings.Length)..];
        return rest.Length > name.Length && rest.StartsWith(name) && rest[name.Length] == 0;
    }

    private static string ReadSymbolName(ByteWindow strings, uint strx, long fieldOffset)
    {
        if (strings.Length == 0)
        {
            return string.Empty;
        }

        var end = (ulong)Math.Min((long)strings.Length, (long)strx + MaxSymbolNameLength);
        // Symbol names are only compared with known ones: undecodable bytes become U+FFFD rather than failing the file.
        return strings.CString(strx, end, "symbol name", fieldOffset, strictUtf8: false);
    }

    private CodeSignatureInfo ReadCodeSignature((long CommandOffset, uint DataOff, uint DataSize) cs, ulong commandsEnd)
    {
        if (cs.DataSize == 0)
        {
            throw new PackageFormatException("LC_CODE_SIGNATURE has datasize 0", cs.CommandOffset + 12);
        }

        var inLinkEdit = _segments.Any(s =>
            s.Name == "__LINKEDIT" && s.FileOffset <= cs.DataOff && Ranges.Within(cs.DataOff - s.FileOffset, cs.DataSize, s.FileSize));
        if (!inLinkEdit || cs.DataOff < commandsEnd)
        {
            _problems.Add(new MachOProblem(
                MachOProblemCodes.SignaturePlacement,
                inLinkEdit ? "the code signature overlaps the load commands" : "the code signature is not inside __LINKEDIT",
                cs.CommandOffset + 8));
        }

        var window = _source.ReadWindow((ulong)_sliceOffset + cs.DataOff, cs.DataSize, "code signature", cs.CommandOffset + 8);
        var pages = new CodeSignatureParser.CodePages(_source, _sliceOffset, _sliceSize, cs.DataOff, _token);
        return CodeSignatureParser.Parse(window, pages, _options);
    }
}
