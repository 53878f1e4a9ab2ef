using System.Buffers.Binary;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Features.Scanning.MachO;

/// <summary>
/// Deterministic mutation fuzzing of valid builder output: whatever the damage, the reader either returns a result or
/// throws <see cref="PackageFormatException"/> pointing inside the file — never another exception, never a hang.
/// </summary>
public sealed class MachOFuzzTests
{
    private static readonly uint[] InterestingWords =
    [
        0, 1, 4, 7, 8, 12, 16, 20, 24, 0x7F, 0x80, 0xFF, 0x1000, 0x4000, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000, 0xFFFFFFF8, 0xFFFFFFFF, 0xFADE0C02, 0xFADE0CC0, 0xFADE7171, 0xFEEDFACF, 0xCAFEBABE,
    ];

    private sealed record Target(byte[] Bytes, int[] Interesting);

    /// <summary>A small universal app (4 KiB alignment, 4 KiB __TEXT) so thousands of reads stay quick.</summary>
    private static Target Universal()
    {
        var armv7 = new MachOBuilder { Is64Bit = false, CpuType = MachOBuilder.CpuArm, CpuSubtype = 9, TextSize = 0x1000, Encryption = (0x800, 0x400, 1) }.Build();
        var arm64 = new MachOBuilder
        {
            TextSize = 0x1000,
            Encryption = (0x800, 0x400, 0),
            Signature = new SignatureSpec { HashType = CodeDirectoryHashType.Sha1, AlternateHashType = CodeDirectoryHashType.Sha256 },
        }.Build();
        var (bytes, offsets) = MachOBuilder.Fat(
        [
            new FatSlice(armv7.Bytes, MachOBuilder.CpuArm, 9, 12),
            new FatSlice(arm64.Bytes, MachOBuilder.CpuArm64, 0, 12),
        ]);
        var interesting = Enumerable.Range(0, 8 + 2 * 20)
            .Concat(StructureOffsets(armv7, offsets[0]))
            .Concat(StructureOffsets(arm64, offsets[1]))
            .ToArray();
        return new Target(bytes, interesting);
    }

    private static Target Thin()
    {
        var built = new MachOBuilder { TextSize = 0x1000, Encryption = (0x800, 0x400, 0), Signature = new SignatureSpec { Version = 0x20600 } }.Build();
        return new Target(built.Bytes, StructureOffsets(built, 0).ToArray());
    }

    /// <summary>Header and load commands, then everything from __LINKEDIT on (symbols, strings, signature).</summary>
    private static IEnumerable<int> StructureOffsets(BuiltMachO built, int sliceOffset) =>
        Enumerable.Range(sliceOffset, built.CommandsOffset + built.SizeOfCommands)
            .Concat(Enumerable.Range(sliceOffset + built.TextSize, built.Bytes.Length - built.TextSize));

    private static (byte[] Bytes, string What) Mutate(Target target, Random random)
    {
        var bytes = (byte[])target.Bytes.Clone();
        int Pick() => random.Next(4) == 0 ? random.Next(bytes.Length) : target.Interesting[random.Next(target.Interesting.Length)];

        switch (random.Next(10))
        {
            case < 4:
            {
                var at = Pick();
                bytes[at] = (byte)random.Next(256);
                return (bytes, $"byte {at} = 0x{bytes[at]:X2}");
            }

            case < 7:
            {
                var at = Math.Min(Pick() & ~3, bytes.Length - 4);
                var value = random.Next(3) == 0 ? (uint)random.NextInt64(0, 1L << 32) : InterestingWords[random.Next(InterestingWords.Length)];
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), value);
                }

                return (bytes, $"word {at} = 0x{value:X8}");
            }

            case 7:
            {
                var length = random.Next(2) == 0 ? random.Next(bytes.Length) : Pick();
                return (bytes[..length], $"truncated to {length}");
            }

            default:
            {
                var count = random.Next(2, 6);
                for (var i = 0; i < count; i++)
                {
                    bytes[Pick()] = (byte)random.Next(256);
                }

                return (bytes, $"{count} random bytes");
            }
        }
    }

    private static void Fuzz(Target target, int seed, int iterations)
    {
        var random = new Random(seed);
        var unexpected = new List<string>();
        int parsed = 0, refused = 0, withProblems = 0;
        for (var i = 0; i < iterations; i++)
        {
            var (bytes, what) = Mutate(target, random);
            try
            {
                var file = MachOReader.Read(bytes);
                parsed++;
                if (file.Slices.Any(s => s.Problems.Count > 0 || s.CodeSignature?.Problems.Count > 0))
                {
                    withProblems++;
                }
            }
            catch (PackageFormatException e) when (e.Offset >= 0 && e.Offset <= bytes.Length)
            {
                refused++;
            }
            catch (Exception e)
            {
                unexpected.Add($"iteration {i} ({what}): {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.Empty(unexpected.Take(10));
        // The mutations must exercise both outcomes, or the fuzzer is not reaching the parser.
        Assert.True(refused > iterations / 10, $"only {refused} of {iterations} mutations were refused");
        Assert.True(withProblems > 0, "no mutation produced a non-fatal problem");
        Assert.True(parsed > 0, "no mutation parsed");
    }

    [Fact]
    public void Mutated_universal_executables_raise_only_package_format_exceptions()
    {
        var target = Universal();
        Assert.Empty(MachOReader.Read(target.Bytes).Slices.SelectMany(s => s.CodeSignature!.Problems));

        Fuzz(target, seed: 20141113, iterations: 5000);
    }

    [Fact]
    public void Mutated_thin_executables_raise_only_package_format_exceptions()
    {
        var target = Thin();
        Assert.Empty(MachOReader.Read(target.Bytes).Slices[0].CodeSignature!.Problems);

        Fuzz(target, seed: 437558400, iterations: 3000);
    }

    [Fact]
    public void Every_truncation_of_a_thin_executable_is_refused_with_an_offset_inside_it()
    {
        var bytes = Thin().Bytes;
        for (var length = 0; length < bytes.Length; length += length < 1024 ? 1 : 7)
        {
            var truncated = bytes[..length];
            var error = Assert.Throws<PackageFormatException>(() => MachOReader.Read(truncated));
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Fact]
    public void Mutated_der_entitlements_raise_only_package_format_exceptions()
    {
        // { "groups": ["a", "b", -1, "c"], "nested": { "x": true } }
        var valid = Convert.FromHexString(
            "7031020101b02c30160c0667726f757073300c0c01610c01620201ff0c0163" +
            "30120c066e6573746564b00830060c01780101ff");
        Assert.Equal(2, DerEntitlementsReader.Read(valid).Count);
        var random = new Random(1415865600);
        var unexpected = new List<string>();
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var bytes = (byte[])valid.Clone();
            var at = random.Next(bytes.Length);
            bytes[at] = (byte)random.Next(256);
            var input = random.Next(5) == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
            try
            {
                DerEntitlementsReader.Read(input);
            }
            catch (PackageFormatException e) when (e.Offset >= 0 && e.Offset <= input.Length)
            {
                refused++;
            }
            catch (Exception e)
            {
                unexpected.Add($"iteration {i}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.Empty(unexpected.Take(10));
        Assert.True(refused > 1000, $"only {refused} mutations were refused");
    }
}
