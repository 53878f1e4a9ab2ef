using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

public sealed class FatFileTests
{
    /// <summary>T16: armv7 at 0x4000 and arm64 at 0x14000, 0x10000 bytes each, both aligned to 2^14.</summary>
    private static readonly byte[] T16Header = Convert.FromHexString(
        "cafebabe00000002" +
        "0000000c0000000900004000000100000000000e" +
        "0100000c000000000001400000010000" + "0000000e");

    private static readonly byte[] Armv7Header = Convert.FromHexString("cefaedfe0c000000090000000200000000000000000000000000200000");

    private static readonly byte[] Arm64Header = Convert.FromHexString("cffaedfe0c00000100000000020000000000000000000000000020000000000000");

    private static byte[] T16File()
    {
        var bytes = new byte[0x24000];
        T16Header.CopyTo(bytes, 0);
        Armv7Header.AsSpan(0, 28).CopyTo(bytes.AsSpan(0x4000));
        Arm64Header.AsSpan(0, 32).CopyTo(bytes.AsSpan(0x14000));
        return bytes;
    }

    private static PackageFormatException Refused(byte[] bytes) =>
        Assert.Throws<PackageFormatException>(() => MachOReader.Read(bytes));

    [Fact]
    public void Fat_header_from_T16_decodes_both_slices()
    {
        var file = MachOReader.Read(T16File());

        Assert.True(file.IsFat);
        Assert.Equal(["armv7", "arm64"], file.Slices.Select(s => s.Architecture));
        Assert.Equal([0x4000L, 0x14000L], file.Slices.Select(s => s.Offset));
        Assert.Equal([0x10000L, 0x10000L], file.Slices.Select(s => s.Size));
        Assert.Equal([12u, 0x0100000Cu], file.Slices.Select(s => s.CpuType));
        Assert.Equal([9u, 0u], file.Slices.Select(s => s.CpuSubtype));
        Assert.All(file.Slices, s => Assert.True(s.IsPie));
    }

    [Fact]
    public void Fat_header_with_align_above_15_is_refused()
    {
        var error = Refused(Patch.U32BE(T16File(), 8 + 16, 16));

        Assert.Equal(8 + 16, error.Offset);
    }

    [Fact]
    public void Fat_header_with_an_offset_not_multiple_of_its_alignment_is_refused()
    {
        var error = Refused(Patch.U32BE(T16File(), 8 + 8, 0x2000));

        Assert.Equal(8 + 8, error.Offset);
        Assert.Contains("aligned", error.Message);
    }

    [Fact]
    public void Fat_header_with_overlapping_slices_is_refused()
    {
        var error = Refused(Patch.U32BE(T16File(), 28 + 8, 0x8000));

        Assert.Equal(28 + 8, error.Offset);
        Assert.Contains("overlaps", error.Message);
    }

    [Fact]
    public void Fat_header_with_two_entries_for_one_architecture_is_refused()
    {
        var bytes = Patch.U32BE(Patch.U32BE(T16File(), 28, 12), 28 + 4, 9);

        var error = Refused(bytes);

        Assert.Equal(28, error.Offset);
        Assert.Contains("repeats", error.Message);
    }

    [Fact]
    public void Subtypes_equal_once_capability_bits_are_masked_count_as_duplicates()
    {
        var bytes = Patch.U32BE(Patch.U32BE(T16File(), 8, 0x0100000C), 8 + 4, 0x80000000);

        Assert.Equal(28, Refused(bytes).Offset);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(17u)]
    [InlineData(0x34u)]
    [InlineData(0xFFFFFFFFu)]
    public void Fat_header_with_zero_or_absurd_nfat_arch_is_refused(uint count)
    {
        Assert.Equal(4, Refused(Patch.U32BE(T16File(), 4, count)).Offset);
    }

    [Fact]
    public void Java_class_file_is_not_mistaken_for_a_fat_binary()
    {
        var javaClass = Convert.FromHexString("cafebabe00000034001d0a0006000f09");

        Assert.Equal(4, Refused(javaClass).Offset);
    }

    [Fact]
    public void Fat_arch_table_running_past_the_file_is_refused()
    {
        Assert.Equal(4, Refused(T16File()[..40]).Offset);
    }

    [Fact]
    public void Fat_slice_running_past_the_file_is_refused()
    {
        Assert.Equal(28 + 8, Refused(Patch.U32BE(T16File(), 28 + 12, 0x20000)).Offset);
    }

    [Fact]
    public void Fat_slice_starting_inside_the_header_table_is_refused()
    {
        var bytes = Patch.U32BE(Patch.U32BE(T16File(), 8 + 16, 0), 8 + 8, 8);

        Assert.Equal(8 + 8, Refused(bytes).Offset);
    }

    [Fact]
    public void Fat_slice_that_is_itself_fat_is_refused()
    {
        var bytes = Patch.U32BE(T16File(), 0x14000, 0xCAFEBABE);

        var error = Refused(bytes);

        Assert.Equal(0x14000, error.Offset);
        Assert.Contains("thin", error.Message);
    }

    [Fact]
    public void Fat_slice_whose_header_names_another_architecture_is_refused()
    {
        var bytes = Patch.U32LE(T16File(), 0x14000 + 8, 2);

        var error = Refused(bytes);

        Assert.Equal(0x14000 + 4, error.Offset);
        Assert.Contains("arm64e", error.Message);
    }

    [Fact]
    public void Errors_inside_a_slice_carry_absolute_file_offsets()
    {
        var bytes = Patch.U32LE(T16File(), 0x14000 + 20, 0x100000);

        Assert.Equal(0x14000 + 20, Refused(bytes).Offset);
    }

    [Fact]
    public void Universal_app_has_both_signatures_verified_against_their_own_slice()
    {
        var (bytes, offsets) = MachOBuilder.UniversalApp();

        var file = MachOReader.Read(bytes);

        Assert.Equal(["armv7", "arm64"], file.Slices.Select(s => s.Architecture));
        Assert.Equal(offsets.Select(o => (long)o), file.Slices.Select(s => s.Offset));
        Assert.All(file.Slices, slice =>
        {
            Assert.Empty(slice.Problems);
            Assert.Empty(slice.CodeSignature!.Problems);
            Assert.True(slice.CodeSignature.PrimaryCodeDirectory.PageHashes!.AllMatch);
            Assert.True(slice.CodeSignature.Offset > slice.Offset);
        });
    }

    [Fact]
    public void Fat_64_header_is_read()
    {
        var (bytes, offsets) = MachOBuilder.Fat([new FatSlice(new MachOBuilder().Build().Bytes, MachOBuilder.CpuArm64, 0)], fat64: true);

        var file = MachOReader.Read(bytes);

        Assert.True(file.IsFat);
        Assert.Equal(offsets[0], Assert.Single(file.Slices).Offset);
    }

    [Fact]
    public void Fat_64_slice_with_a_64_bit_offset_past_the_file_is_refused()
    {
        var (bytes, _) = MachOBuilder.Fat([new FatSlice(new MachOBuilder().Build().Bytes, MachOBuilder.CpuArm64, 0)], fat64: true);

        Assert.Equal(8 + 8, Refused(Patch.U64BE(bytes, 8 + 8, 0xFFFFFFFFFFFFC000)).Offset);
    }
}
