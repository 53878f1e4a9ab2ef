using System.Text;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

public sealed class MachOReaderTests
{
    /// <summary>T17: an arm64 executable's mach_header_64.</summary>
    private static readonly byte[] T17Header = Convert.FromHexString(
        "cffaedfe0c000001000000000200000016000000e80b00008500200000000000");

    private static PackageFormatException Refused(byte[] bytes, MachOReaderOptions? options = null) =>
        Assert.Throws<PackageFormatException>(() => MachOReader.Read(bytes, options));

    private static MachOSlice ReadThin(byte[] bytes, MachOReaderOptions? options = null) =>
        Assert.Single(MachOReader.Read(bytes, options).Slices);

    /// <summary>T17's header followed by the 22 commands (0xBE8 bytes) it announces: 21 LC_SOURCE_VERSION and one LC_NOTE.</summary>
    private static byte[] T17File(byte[] header)
    {
        var w = new ByteWriter().Bytes(header);
        for (var i = 0; i < 21; i++)
        {
            w.U32LE(0x2A).U32LE(16).U64LE(0);
        }

        w.U32LE(0x31).U32LE(0xBE8 - 21 * 16);
        return w.PadToLength(32 + 0xBE8).ToArray();
    }

    [Fact]
    public void Signed_arm64_executable_from_the_builder_reads_back_without_problems()
    {
        var built = new MachOBuilder().Build();

        var file = MachOReader.Read(built.Bytes);

        Assert.False(file.IsFat);
        var slice = Assert.Single(file.Slices);
        Assert.Equal("arm64", slice.Architecture);
        Assert.True(slice.Is64Bit);
        Assert.Equal(MachOFileType.Execute, slice.FileType);
        Assert.True(slice.IsPie);
        Assert.Equal(["__PAGEZERO", "__TEXT", "__LINKEDIT"], slice.Segments.Select(s => s.Name));
        Assert.Equal("__text", Assert.Single(slice.Segments[1].Sections).Name);
        Assert.Equal(
            ["/System/Library/Frameworks/Foundation.framework/Foundation", "/usr/lib/libobjc.A.dylib"],
            slice.LinkedDylibs.Select(d => d.Name));
        Assert.Equal(["@executable_path/Frameworks"], slice.Rpaths);
        Assert.Equal(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), slice.Uuid);
        Assert.Equal(new EncryptionInfo(built.CommandOffsets["LC_ENCRYPTION_INFO"], 0x1000, 0x1000, 0), slice.Encryption);
        Assert.NotNull(slice.EntryPointOffset);
        Assert.Empty(slice.Problems);
        Assert.Equal(slice.LoadCommands.Count, slice.LoadCommands.Select(c => c.Offset).Distinct().Count());
        Assert.Equal("LC_CODE_SIGNATURE", slice.LoadCommands.Single(c => c.Offset == built.CommandOffsets["LC_CODE_SIGNATURE"]).Name);

        Assert.True(slice.Symbols.HasStackCanary);
        Assert.True(slice.Symbols.UsesArc);
        Assert.True(slice.Symbols.IsStripped);
        Assert.Equal(["_NSLog", "___stack_chk_fail", "___stack_chk_guard", "_objc_release"], slice.Symbols.ImportedSymbols);

        var signature = Assert.IsType<CodeSignatureInfo>(slice.CodeSignature);
        Assert.Empty(signature.Problems);
        Assert.Equal(built.SignatureOffset, signature.Offset);
        var cd = signature.PrimaryCodeDirectory;
        Assert.Equal("com.example.app", cd.Identifier);
        Assert.Equal("ABCDE12345", cd.TeamId);
        Assert.Equal(ExecSegmentFlags.MainBinary, cd.ExecSegmentFlags);
        Assert.Equal((ulong)built.TextSize, cd.ExecSegmentLimit);
        Assert.Equal((ulong)built.SignatureOffset, cd.CodeLimit);
        Assert.True(cd.PageHashes!.AllMatch);
        Assert.Equal(SignatureSpec.DefaultEntitlementsXml, signature.EntitlementsXml);
        Assert.Equal(true, signature.DerEntitlements!["key"]);
        Assert.False(signature.IsAdHoc);
    }

    [Fact]
    public void Armv7_executable_is_read_as_a_32_bit_image()
    {
        var built = new MachOBuilder { Is64Bit = false, CpuType = MachOBuilder.CpuArm, CpuSubtype = 9 }.Build();

        var slice = ReadThin(built.Bytes);

        Assert.Equal("armv7", slice.Architecture);
        Assert.False(slice.Is64Bit);
        Assert.Equal(3, slice.Segments.Count);
        Assert.Equal(0x1000u, slice.Encryption!.CryptOffset);
        Assert.True(slice.Symbols.HasStackCanary);
        Assert.Empty(slice.Problems);
        Assert.Empty(slice.CodeSignature!.Problems);
    }

    [Fact]
    public void Mach_header_64_from_T17_decodes_its_counts_and_flags()
    {
        var slice = ReadThin(T17File(T17Header));

        Assert.Equal(0x0100000Cu, slice.CpuType);
        Assert.Equal("arm64", slice.Architecture);
        Assert.Equal(MachOFileType.Execute, slice.FileType);
        Assert.Equal(22, slice.LoadCommands.Count);
        Assert.Equal(0xBE8, slice.LoadCommands.Sum(c => c.Size));
        Assert.Equal(
            MachOHeaderFlags.NoUndefs | MachOHeaderFlags.DyldLink | MachOHeaderFlags.TwoLevel | MachOHeaderFlags.Pie,
            slice.Flags);
        Assert.True(slice.IsPie);
        Assert.False(slice.AllowsStackExecution);
        Assert.False(slice.NoHeapExecution);
        Assert.Null(slice.CodeSignature);
    }

    [Fact]
    public void Arm64e_subtype_is_masked_to_2_and_named_arm64e()
    {
        var header = (byte[])T17Header.Clone();
        header[8] = 0x02;
        header[11] = 0x80;

        var slice = ReadThin(T17File(header));

        Assert.Equal(2u, slice.CpuSubtype);
        Assert.Equal(0x80000002u, slice.CpuSubtypeRaw);
        Assert.Equal("arm64e", slice.Architecture);
    }

    [Fact]
    public void Header_without_MH_PIE_is_reported_as_not_pie()
    {
        var slice = ReadThin(new MachOBuilder { Flags = 0x85 | 0x20000 }.Build().Bytes);

        Assert.False(slice.IsPie);
        Assert.True(slice.AllowsStackExecution);
    }

    [Fact]
    public void Encryption_info_64_from_T18_decodes_cryptid_1()
    {
        byte[] encryption = Convert.FromHexString("2c0000001800000000400000" + "00c000000100000000000000");
        var w = new ByteWriter()
            .U32LE(0xFEEDFACF).U32LE(0x0100000C).U32LE(0).U32LE(2).U32LE(2).U32LE(72 + 24).U32LE(0x200085).U32LE(0)
            .U32LE(0x19).U32LE(72).FixedName("__TEXT", 16).U64LE(0x100000000).U64LE(0x10000).U64LE(0).U64LE(0x10000)
            .U32LE(5).U32LE(5).U32LE(0).U32LE(0)
            .Bytes(encryption);
        var bytes = w.PadToLength(0x10000).ToArray();

        var slice = ReadThin(bytes);

        Assert.Equal(new EncryptionInfo(32 + 72, 0x4000, 0xC000, 1), slice.Encryption);
        Assert.True(slice.Encryption!.IsEncrypted);
        Assert.Empty(slice.Problems);
    }

    [Fact]
    public void Code_signature_from_T18_is_located_relative_to_its_fat_slice()
    {
        byte[] command = Convert.FromHexString("1d00000010000000108a0000304c0000");
        const int sliceOffset = 0x4000;
        var slice = new ByteWriter()
            .U32LE(0xFEEDFACF).U32LE(0x0100000C).U32LE(0).U32LE(2).U32LE(2).U32LE(72 + 16).U32LE(0x200085).U32LE(0)
            .U32LE(0x19).U32LE(72).FixedName("__LINKEDIT", 16).U64LE(0x100008000).U64LE(0x8000).U64LE(0x8000).U64LE(0x8A10 + 0x4C30 - 0x8000)
            .U32LE(1).U32LE(1).U32LE(0).U32LE(0)
            .Bytes(command)
            .PadToLength(0x8A10)
            .Bytes(SuperBlobTests.T14SuperBlob)
            .PadToLength(0x8A10 + 0x4C30)
            .ToArray();
        var (bytes, offsets) = MachOBuilder.Fat([new FatSlice(slice, MachOBuilder.CpuArm64, 0)]);
        Assert.Equal(sliceOffset, offsets[0]);

        var signature = MachOReader.Read(bytes).Slices[0].CodeSignature!;

        Assert.Equal(sliceOffset + 0x8A10, signature.Offset);
        Assert.Equal(391u, signature.Length);
        Assert.Equal("com.example.app", signature.PrimaryCodeDirectory.Identifier);
        Assert.Equal(1, signature.PrimaryCodeDirectory.PageHashes!.PagesMismatched);
    }

    [Fact]
    public void Unsigned_image_has_no_code_signature()
    {
        Assert.Null(ReadThin(new MachOBuilder { Signature = null }.Build().Bytes).CodeSignature);
    }

    [Fact]
    public void Bytes_that_are_not_a_mach_o_are_refused_at_offset_0()
    {
        var error = Refused(Encoding.ASCII.GetBytes("PK\u0003\u0004 not an executable"));

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Big_endian_mach_o_is_refused()
    {
        var bytes = new MachOBuilder().Build().Bytes;
        Array.Reverse(bytes, 0, 4);

        Assert.Contains("big-endian", Refused(bytes).Message);
    }

    [Fact]
    public void File_shorter_than_a_magic_is_refused()
    {
        Assert.Equal(0, Refused([0xCF, 0xFA, 0xED]).Offset);
    }

    [Fact]
    public void Header_cut_short_is_refused()
    {
        Assert.Equal(0, Refused(new MachOBuilder().Build().Bytes[..20]).Offset);
    }

    [Fact]
    public void Sixty_four_bit_header_with_a_32_bit_cputype_is_refused()
    {
        Assert.Equal(4, Refused(Patch.U32LE(new MachOBuilder().Build().Bytes, 4, 12)).Offset);
    }

    [Fact]
    public void Sizeofcmds_running_past_the_file_is_refused()
    {
        Assert.Equal(20, Refused(Patch.U32LE(new MachOBuilder().Build().Bytes, 20, 0xFFFFFF00)).Offset);
    }

    [Fact]
    public void Ncmds_that_cannot_fit_in_sizeofcmds_is_refused_before_anything_is_allocated()
    {
        var built = new MachOBuilder().Build();

        Assert.Equal(16, Refused(Patch.U32LE(built.Bytes, 16, (uint)built.SizeOfCommands / 8 + 1)).Offset);
        Assert.Equal(16, Refused(Patch.U32LE(built.Bytes, 16, uint.MaxValue)).Offset);
    }

    [Fact]
    public void Cmdsize_that_is_not_a_multiple_of_8_is_refused()
    {
        var built = new MachOBuilder().Build();
        var text = built.CommandOffsets["__TEXT"];

        Assert.Equal(text + 4, Refused(Patch.U32LE(built.Bytes, text + 4, 152 + 4)).Offset);
    }

    [Fact]
    public void Cmdsize_of_zero_is_refused_instead_of_looping()
    {
        var built = new MachOBuilder().Build();
        var text = built.CommandOffsets["__TEXT"];

        Assert.Equal(text + 4, Refused(Patch.U32LE(built.Bytes, text + 4, 0)).Offset);
    }

    [Fact]
    public void Load_command_running_past_sizeofcmds_is_refused()
    {
        var built = new MachOBuilder().Build();
        var last = built.CommandOffsets["LC_CODE_SIGNATURE"];

        Assert.Equal(last + 4, Refused(Patch.U32LE(built.Bytes, last + 4, 0x100)).Offset);
    }

    [Fact]
    public void Fewer_commands_than_sizeofcmds_holds_is_reported_as_slack()
    {
        var built = new MachOBuilder().Build();

        var slice = ReadThin(Patch.U32LE(built.Bytes, 16, 1));

        var problem = Assert.Single(slice.Problems);
        Assert.Equal(MachOProblemCodes.LoadCommandSlack, problem.Code);
        Assert.Equal(built.CommandOffsets["__TEXT"], problem.Offset);
    }

    [Fact]
    public void Segment_whose_file_range_leaves_the_file_is_refused()
    {
        var built = new MachOBuilder().Build();
        var linkEdit = built.CommandOffsets["__LINKEDIT"];

        Assert.Equal(linkEdit + 40, Refused(Patch.U32LE(built.Bytes, linkEdit + 48, 0x7FFFFFFF)).Offset);
    }

    [Fact]
    public void Segment_with_more_sections_than_its_cmdsize_holds_is_refused()
    {
        var built = new MachOBuilder().Build();
        var text = built.CommandOffsets["__TEXT"];

        Assert.Equal(text + 64, Refused(Patch.U32LE(built.Bytes, text + 64, 2)).Offset);
        Assert.Equal(text + 64, Refused(Patch.U32LE(built.Bytes, text + 64, 0x40000000)).Offset);
    }

    [Fact]
    public void Second_LC_SYMTAB_is_refused()
    {
        var built = new MachOBuilder().Build();
        var uuid = built.CommandOffsets["LC_UUID"];

        var error = Refused(Patch.U32LE(built.Bytes, uuid, 0x2));

        Assert.Equal(uuid, error.Offset);
        Assert.Contains("second LC_SYMTAB", error.Message);
    }

    [Fact]
    public void Fixed_size_command_with_another_size_is_refused()
    {
        var uuid = new ByteWriter().U32LE(0x1B).U32LE(32).Zeros(24).ToArray();
        var built = new MachOBuilder { Uuid = null, ExtraCommands = [uuid] }.Build();
        var extra = built.CommandsOffset + built.SizeOfCommands - 32;

        Assert.Equal(extra + 4, Refused(built.Bytes).Offset);
    }

    [Fact]
    public void Dylib_name_without_a_terminating_nul_is_refused()
    {
        var built = new MachOBuilder().Build();
        var dylib = built.CommandOffsets["LC_LOAD_DYLIB:1"];
        var bytes = (byte[])built.Bytes.Clone();
        var size = (int)Patch.ReadU32LE(bytes, dylib + 4);
        bytes.AsSpan(dylib + 24, size - 24).Fill((byte)'A');

        Assert.Equal(dylib + 24, Refused(bytes).Offset);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(200u)]
    [InlineData(uint.MaxValue)]
    public void Dylib_name_offset_outside_its_command_is_refused(uint nameOffset)
    {
        var built = new MachOBuilder().Build();
        var dylib = built.CommandOffsets["LC_LOAD_DYLIB:0"];

        Assert.Equal(dylib + 8, Refused(Patch.U32LE(built.Bytes, dylib + 8, nameOffset)).Offset);
    }

    [Fact]
    public void Rpath_offset_outside_its_command_is_refused()
    {
        var built = new MachOBuilder().Build();
        var rpath = built.CommandOffsets["LC_RPATH:0"];

        Assert.Equal(rpath + 8, Refused(Patch.U32LE(built.Bytes, rpath + 8, 4)).Offset);
    }

    [Fact]
    public void Thirty_two_bit_encryption_command_in_a_64_bit_image_is_refused()
    {
        var built = new MachOBuilder().Build();
        var encryption = built.CommandOffsets["LC_ENCRYPTION_INFO"];

        Assert.Equal(encryption, Refused(Patch.U32LE(built.Bytes, encryption, 0x21)).Offset);
    }

    [Fact]
    public void Encrypted_range_running_past_the_slice_is_refused()
    {
        var built = new MachOBuilder().Build();
        var encryption = built.CommandOffsets["LC_ENCRYPTION_INFO"];

        Assert.Equal(encryption + 8, Refused(Patch.U32LE(built.Bytes, encryption + 12, 0xFFFFF000)).Offset);
    }

    [Fact]
    public void Encrypted_range_overlapping_the_load_commands_is_a_problem()
    {
        var built = new MachOBuilder { Encryption = (0x10, 0x100, 1) }.Build();

        var slice = ReadThin(built.Bytes);

        Assert.True(slice.Encryption!.IsEncrypted);
        var problem = Assert.Single(slice.Problems);
        Assert.Equal(MachOProblemCodes.EncryptionRange, problem.Code);
        Assert.Equal(built.CommandOffsets["LC_ENCRYPTION_INFO"] + 8, problem.Offset);
    }

    [Fact]
    public void Encrypted_range_straddling_two_segments_is_a_problem()
    {
        var slice = ReadThin(new MachOBuilder { Encryption = (0x1F00, 0x200, 0) }.Build().Bytes);

        Assert.Equal([MachOProblemCodes.EncryptionRange], slice.Problems.Select(p => p.Code));
    }

    [Fact]
    public void Unknown_command_that_dyld_must_understand_is_a_problem()
    {
        var built = new MachOBuilder { ExtraCommands = [new ByteWriter().U32LE(0x8000007F).U32LE(8).ToArray()] }.Build();

        var problem = Assert.Single(ReadThin(built.Bytes).Problems);

        Assert.Equal(MachOProblemCodes.UnknownRequiredCommand, problem.Code);
        Assert.Equal(built.CommandsOffset + built.SizeOfCommands - 8, problem.Offset);
    }

    [Fact]
    public void Symbol_naming_a_string_outside_the_string_table_is_refused()
    {
        var built = new MachOBuilder().Build();

        Assert.Equal(built.SymbolTableOffset, Refused(Patch.U32LE(built.Bytes, built.SymbolTableOffset, 0xFFFF)).Offset);
    }

    [Fact]
    public void Symbol_table_running_past_the_file_is_refused()
    {
        var built = new MachOBuilder().Build();
        var symtab = built.CommandOffsets["LC_SYMTAB"];

        Assert.Equal(symtab + 8, Refused(Patch.U32LE(built.Bytes, symtab + 12, 0x10000000)).Offset);
        Assert.Equal(symtab + 16, Refused(Patch.U32LE(built.Bytes, symtab + 20, 0x10000000)).Offset);
    }

    [Fact]
    public void Stack_canary_needs_both_guard_and_fail_imports()
    {
        var slice = ReadThin(new MachOBuilder { Symbols = [("___stack_chk_fail", 0x01), ("_swift_release", 0x01)] }.Build().Bytes);

        Assert.True(slice.Symbols.HasStackCheckFail);
        Assert.False(slice.Symbols.HasStackCheckGuard);
        Assert.False(slice.Symbols.HasStackCanary);
        Assert.True(slice.Symbols.UsesArc);
    }

    [Fact]
    public void Defined_symbols_with_canary_names_do_not_count_as_imports()
    {
        var slice = ReadThin(new MachOBuilder { Symbols = [("___stack_chk_fail", 0x0F), ("___stack_chk_guard", 0x0F), ("_objc_release", 0x0F)] }.Build().Bytes);

        Assert.False(slice.Symbols.HasStackCanary);
        Assert.False(slice.Symbols.UsesArc);
        Assert.Equal(0, slice.Symbols.ImportedSymbolCount);
    }

    [Fact]
    public void Local_symbols_mean_the_binary_is_not_stripped_but_linker_markers_do_not()
    {
        var stripped = ReadThin(new MachOBuilder { Symbols = [("radr://5614542", 0x3C), ("__mh_execute_header", 0x0E), ("_NSLog", 0x01)] }.Build().Bytes);
        var notStripped = ReadThin(new MachOBuilder { Symbols = [("_helper", 0x0E), ("_NSLog", 0x01)] }.Build().Bytes);

        Assert.True(stripped.Symbols.IsStripped);
        Assert.False(notStripped.Symbols.IsStripped);
    }

    [Fact]
    public void Imported_names_kept_are_bounded_but_every_import_is_examined()
    {
        var slice = ReadThin(new MachOBuilder().Build().Bytes, new MachOReaderOptions { MaxImportedSymbolNames = 2 });

        Assert.Equal(["_NSLog", "___stack_chk_fail"], slice.Symbols.ImportedSymbols);
        Assert.Equal(4, slice.Symbols.ImportedSymbolCount);
        Assert.True(slice.Symbols.ImportedSymbolsTruncated);
        Assert.True(slice.Symbols.HasStackCanary);
        Assert.True(slice.Symbols.UsesArc);
    }

    [Fact]
    public void Image_without_a_symbol_table_has_an_empty_summary()
    {
        var slice = ReadThin(new MachOBuilder { IncludeSymbolTable = false }.Build().Bytes);

        Assert.False(slice.Symbols.HasSymbolTable);
        Assert.False(slice.Symbols.HasStackCanary);
    }

    [Fact]
    public void Signature_larger_than_the_memory_budget_is_refused_at_its_load_command()
    {
        var built = new MachOBuilder { Signature = new SignatureSpec { EntitlementsXml = new string('x', 6000) } }.Build();

        var error = Refused(built.Bytes, new MachOReaderOptions { MaxBytes = 4096 });

        Assert.Equal(built.CommandOffsets["LC_CODE_SIGNATURE"] + 8, error.Offset);
        Assert.Contains("budget", error.Message);
    }

    [Fact]
    public void File_stream_and_span_overloads_read_the_same_executable()
    {
        var bytes = MachOBuilder.UniversalApp().Bytes;
        var path = Path.Combine(Path.GetTempPath(), $"macho-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var stream = File.OpenRead(path);
            stream.Position = 100;
            var fromStream = MachOReader.Read(stream);
            var fromSpan = MachOReader.Read(bytes);

            Assert.Equal(fromSpan.Slices.Select(s => s.CodeSignature!.PrimaryCodeDirectory.CdHashHex),
                fromStream.Slices.Select(s => s.CodeSignature!.PrimaryCodeDirectory.CdHashHex));
            Assert.Equal(fromSpan.Slices.Select(s => s.Offset), fromStream.Slices.Select(s => s.Offset));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unseekable_stream_is_rejected_as_an_argument_error()
    {
        using var stream = new ForwardOnlyStream(new MemoryStream(new MachOBuilder().Build().Bytes));

        Assert.Throws<ArgumentException>(() => MachOReader.Read(stream));
    }

    [Fact]
    public void Stream_that_ends_before_its_declared_length_is_a_format_error()
    {
        var bytes = new MachOBuilder().Build().Bytes;
        using var stream = new OverstatedLengthStream(new MemoryStream(bytes[..0x1800]), bytes.Length);

        Assert.Throws<PackageFormatException>(() => MachOReader.Read(stream));
    }

    [Fact]
    public void Options_outside_their_ranges_are_rejected()
    {
        var bytes = new MachOBuilder().Build().Bytes;

        Assert.Throws<ArgumentOutOfRangeException>(() => MachOReader.Read(bytes, new MachOReaderOptions { MaxBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MachOReader.Read(bytes, new MachOReaderOptions { MaxFatArchitectures = 0 }));
    }

    [Fact]
    public void Cancelled_token_stops_the_read()
    {
        using var stream = new MemoryStream(new MachOBuilder().Build().Bytes);

        Assert.ThrowsAny<OperationCanceledException>(() => MachOReader.Read(stream, null, new CancellationToken(canceled: true)));
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class OverstatedLengthStream(Stream inner, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
