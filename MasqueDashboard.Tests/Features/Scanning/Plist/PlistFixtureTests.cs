using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning.Plist;

/// <summary>
/// Every file of the shared plist fixture folders, read in place. CPython's verdict is the default
/// expectation; the files below are where DOMAIN §3 policy (or CPython) parts from CPython or from the
/// project the file came from, each with the rule that decides.
/// </summary>
public sealed partial class PlistFixtureTests
{
    private const string Absent = "(shared fixtures absent)";

    private static readonly string[] Folders = ["bplist-valid", "bplist-invalid", "xmlplist-valid", "xmlplist-invalid"];

    private static readonly Lazy<JsonDocument> ExpectedJson = new(() => JsonDocument.Parse(
        File.ReadAllBytes(Path.Combine(SharedFixtures.RequireRoot(), "expected.json")),
        new JsonDocumentOptions { MaxDepth = 1024 }));

    private static readonly Dictionary<string, Deviation> Deviations = new()
    {
        // CPython accepts; our policy refuses.
        ["bplist-valid/biplist__ascii_string_too_long.plist"] = new(false, "T10, §3.4 rule 2: the offset table overruns the trailer (length ≠ table offset + table + 32); CPython does not check"),
        ["bplist-valid/biplist__invalid_object_offset_size.plist"] = new(false, "T10, §3.4 rule 2: 257 bytes of slack between the offset table and the trailer"),
        ["bplist-valid/biplist__invalid_object_ref_size.plist"] = new(false, "§3.4 rule 3: 257 objects cannot be addressed by 1-byte refs (CPython wraps them into a cycle, T9)"),
        ["bplist-valid/rustplist__binary_circular_array.plist"] = new(false, "T10, §3.4 rule 2: slack after the offset table (and the arrays form a cycle, T9)"),
        ["bplist-valid/cpython__deep_nesting_300.bplist"] = new(false, "§3.4 rule 7: 300 nested arrays exceed the depth cap of 128"),
        ["bplist-valid/cpython__nonstandard_refs_size_24bit.bplist"] = new(false, "§3.4 (ours is stricter): 3-byte offsets and refs; widths must be 1, 2, 4 or 8"),
        ["bplist-valid/rustplist__binary_three_byte_integer_offset_table.plist"] = new(false, "§3.4 (ours is stricter): 3-byte offset table entries; rust-plist accepts them too"),
        ["xmlplist-valid/goplist__s11.plist"] = new(false, "§3.2 strict <dict>, PlistDictionary: key 'test' repeats; readers disagree on which value wins (the sample's own values say libxml2, apple, libplist)"),
        ["xmlplist-invalid/rustplist__xml_entity_error.plist"] = new(false, "§3.2: <plist> holds text and no value; CPython returns None"),

        // CPython agrees with our policy; the upstream project accepts.
        ["bplist-invalid/biplist__small_date.plist"] = new(false, "§3.3 marker 0x33: year 0 is outside DateTimeOffset's years 1–9999"),
        ["bplist-invalid/nodebplist__iTunes-small.bplist"] = new(false, "§3.3 marker 0x5n: an ASCII string holds bytes above 0x7F"),
        ["bplist-invalid/nodebplist__sample1.bplist"] = new(false, "§3.3 marker 0x5n: an ASCII string holds bytes above 0x7F"),
        ["xmlplist-invalid/rustplist__ascii-sample.plist"] = new(false, "§3.1: OpenStep ASCII plists are unsupported"),
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        if (SharedFixtures.Root is not { } root)
        {
            data.Add(Absent);
            return data;
        }

        foreach (var folder in Folders)
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder)).Order(StringComparer.Ordinal))
            {
                data.Add($"{folder}/{Path.GetFileName(path)}");
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Fixture_is_read_or_refused_as_DOMAIN_section_3_decides(string file)
    {
        var root = SharedFixtures.RequireRoot();
        var expected = Expectation(file);
        var bytes = File.ReadAllBytes(Path.Combine(root, file));

        PlistDocument? document = null;
        PackageFormatException? error = null;
        try
        {
            document = PlistReader.Read(bytes);
        }
        catch (PackageFormatException exception)
        {
            error = exception;
        }

        var cpython = expected.GetProperty("plistlib");
        var cpythonAccepts = cpython.GetProperty("valid").GetBoolean();
        var ours = Deviations.TryGetValue(file, out var deviation) ? deviation.Accepted : cpythonAccepts;
        Assert.True(
            (document is not null) == ours,
            $"{file}: expected {(ours ? "accepted" : "refused")}, but it was {error?.Message ?? "accepted"}");

        if (UpstreamVerdict(expected) == false)
        {
            Assert.Null(document);
        }

        if (document is null || !cpythonAccepts)
        {
            return;
        }

        var json = PlistJson.ToCanonicalJson(document.Root);
        var utf8 = Encoding.UTF8.GetBytes(json);
        Assert.True(
            Convert.ToHexStringLower(SHA256.HashData(utf8)) == cpython.GetProperty("canonical_json_sha256").GetString(),
            $"{file}: canonical JSON differs from CPython's: {json[..Math.Min(json.Length, 400)]}");
        Assert.Equal(cpython.GetProperty("canonical_json_len").GetInt32(), utf8.Length);

        var binary = cpython.GetProperty("mode").GetString() == "binary";
        Assert.Equal(binary ? PlistFormat.Binary : PlistFormat.Xml, document.Format);
        Assert.Equal((binary ? BinaryUid() : XmlUid()).IsMatch(json), document.ContainsUid);
    }

    [SkippableFact]
    public void Every_listed_deviation_is_a_fixture_where_cpython_or_upstream_disagrees()
    {
        SharedFixtures.RequireRoot();
        foreach (var (file, deviation) in Deviations)
        {
            var expected = Expectation(file);
            var cpythonAccepts = expected.GetProperty("plistlib").GetProperty("valid").GetBoolean();
            var upstream = UpstreamVerdict(expected);

            Assert.True(
                deviation.Accepted != cpythonAccepts || (upstream is { } verdict && verdict != deviation.Accepted),
                $"{file} is listed as a deviation, but CPython and upstream agree with our verdict");
            Assert.Matches(@"T\d+|§3\.\d", deviation.Rule);
        }
    }

    [SkippableFact]
    public void CPython_deep_nesting_fixture_of_100000_levels_is_refused_at_the_depth_cap()
    {
        var root = SharedFixtures.RequireRoot();
        var bytes = File.ReadAllBytes(Path.Combine(root, "bplist-invalid", "cpython__deep_nesting_100000.bplist"));

        var error = Assert.Throws<PackageFormatException>(() => PlistReader.Read(bytes));

        Assert.Contains("deeper than 128", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Expectation(string file)
    {
        Assert.True(
            ExpectedJson.Value.RootElement.GetProperty("files").TryGetProperty(file, out var expected),
            $"{file} has no entry in expected.json");
        return expected;
    }

    /// <summary>True or false when the source project's own tests accept or reject the file; null otherwise.</summary>
    private static bool? UpstreamVerdict(JsonElement expected)
    {
        if (!expected.TryGetProperty("upstream_expectation", out var upstream))
        {
            return null;
        }

        var text = upstream.GetString() ?? "";
        return text.StartsWith("accept", StringComparison.Ordinal) ? true
            : text.StartsWith("reject", StringComparison.Ordinal) ? false
            : null;
    }

    [GeneratedRegex("""\{"\$uid":\d+\}""")]
    private static partial Regex BinaryUid();

    [GeneratedRegex("""\{"CF\$UID":-?\d+(\.\d+)?\}""")]
    private static partial Regex XmlUid();

    private sealed record Deviation(bool Accepted, string Rule);
}
