using CsCheck;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

/// <summary>
/// Property tests over generated trees. Each case runs from its own fixed seed (CsCheck seeds only the first
/// iteration of a <c>Sample</c> call, so one call per seed keeps every run identical); a failure names its seed.
/// </summary>
public sealed class PlistWriterPropertyTests
{
    private const int RoundTripCases = 600;
    private const int MutationCases = 1500;

    [Fact]
    public void Any_tree_written_as_binary_reads_back_the_same()
    {
        Sample(PlistTrees.Tree(PlistTrees.Form.Binary), RoundTripCases, seedStream: 1, tree =>
        {
            var document = PlistReader.Read(PlistWriter.ToBinary(tree));
            Assert.Equal(PlistFormat.Binary, document.Format);
            PlistTrees.AssertSame(tree, document.Root, anyNaN: false);
        });
    }

    [Fact]
    public void Any_tree_written_as_xml_reads_back_the_same()
    {
        Sample(PlistTrees.Tree(PlistTrees.Form.Xml), RoundTripCases, seedStream: 2, tree =>
        {
            var document = PlistReader.Read(PlistWriter.ToXml(tree));
            Assert.Equal(PlistFormat.Xml, document.Format);
            PlistTrees.AssertSame(tree, document.Root, anyNaN: true);
        });
    }

    [Fact]
    public void Mutated_binary_output_fails_only_with_a_package_format_exception()
    {
        Sample(Mutated(PlistTrees.Form.Binary), MutationCases, seedStream: 3, ReadExpectingOnlyFormatErrors);
    }

    [Fact]
    public void Mutated_xml_output_fails_only_with_a_package_format_exception()
    {
        Sample(Mutated(PlistTrees.Form.Xml), MutationCases, seedStream: 4, ReadExpectingOnlyFormatErrors);
    }

    private static void ReadExpectingOnlyFormatErrors(byte[] bytes)
    {
        try
        {
            PlistReader.Read(bytes);
        }
        catch (PackageFormatException)
        {
            // The one failure a hostile plist may cause.
        }
    }

    /// <summary>A small tree's output with one to four flips, insertions, deletions or a truncation applied.</summary>
    private static Gen<byte[]> Mutated(PlistTrees.Form form)
    {
        var small = Gen.Recursive<PlistNode>((depth, tree) => depth >= 4
            ? PlistTrees.Leaf(form)
            : Gen.Frequency<PlistNode>(
                (3, PlistTrees.Leaf(form)),
                (2, tree.Array[0, 4].Select(items => (PlistNode)new PlistArray(items))),
                (2, Gen.Select(PlistTrees.Text(form).Array[0, 4], tree.Array[4], (keys, values) =>
                    (PlistNode)new PlistDictionary(keys.Distinct(StringComparer.Ordinal).Select((key, i) => KeyValuePair.Create(key, values[i])))))));
        var mutation = Gen.Select(Gen.Int[0, 3], Gen.Double.Unit, Gen.Byte[1, 255]);
        return Gen.Select(small, mutation.Array[1, 4], (tree, mutations) =>
        {
            var bytes = new List<byte>(form == PlistTrees.Form.Binary ? PlistWriter.ToBinary(tree) : PlistWriter.ToXml(tree));
            foreach (var (kind, where, value) in mutations)
            {
                var at = (int)(where * bytes.Count);
                switch (kind)
                {
                    case 0 when at < bytes.Count:
                        bytes[at] ^= value;
                        break;
                    case 1:
                        bytes.Insert(at, value);
                        break;
                    case 2 when at < bytes.Count:
                        bytes.RemoveAt(at);
                        break;
                    case 3:
                        bytes.RemoveRange(at, bytes.Count - at);
                        break;
                }
            }

            return bytes.ToArray();
        });
    }

    private static void Sample<T>(Gen<T> gen, int cases, uint seedStream, Action<T> assert)
    {
        var seeds = new PCG(seedStream, 0x4D41_5351_5545);
        for (var i = 0; i < cases; i++)
        {
            gen.Sample(assert, seed: new PCG(seedStream, seeds.Next64()).ToString(), iter: 1, threads: 1);
        }
    }
}
