using System.Text;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Scanning;

/// <summary>
/// The hostile corpus through the whole scanner: every case ends in a clear outcome (PACKAGE-INVALID,
/// PACKAGE-UNSAFE or the profile's own finding), never an exception, and nothing is written outside storage.
/// </summary>
public sealed class HostilePackageScanTests
{
    private static IpaBuilder Valid() => new IpaBuilder("Bank").WithInfoPlist(IpaBuilder.DefaultInfoPlist("Bank", "com.example.bank"));

    private static byte[] ValidExecutable() => SamplePackages.Executable(new SampleApp(), TestPki.Shared, TestPki.Shared.Distribution);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>
        {
            { "not-a-zip", RuleIds.PackageInvalid },
            { "empty-file", RuleIds.PackageInvalid },
            { "truncated-archive", RuleIds.PackageInvalid },
            { "central-directory-cut", RuleIds.PackageInvalid },
            { "traversal-entry", RuleIds.PackageUnsafe },
            { "absolute-entry", RuleIds.PackageUnsafe },
            { "backslash-entry", RuleIds.PackageUnsafe },
            { "symlink-entry", RuleIds.PackageUnsafe },
            { "bomb-by-ratio", RuleIds.PackageUnsafe },
            { "declared-size-lie", RuleIds.PackageUnsafe },
            { "local-header-name-mismatch", RuleIds.PackageUnsafe },
            { "duplicate-names", RuleIds.PackageUnsafe },
            { "no-payload", RuleIds.PackageInvalid },
            { "two-apps", RuleIds.PackageInvalid },
            { "missing-info-plist", RuleIds.PackageInvalid },
            { "info-plist-not-a-plist", RuleIds.PackageInvalid },
            { "info-plist-array-root", RuleIds.PackageInvalid },
            { "info-plist-no-bundle-id", RuleIds.PackageInvalid },
            { "bplist-cycle", RuleIds.PackageInvalid },
            { "bplist-slack", RuleIds.PackageInvalid },
            { "bplist-huge-count", RuleIds.PackageInvalid },
            { "bplist-deep-nesting", RuleIds.PackageInvalid },
            { "xml-entity", RuleIds.PackageInvalid },
            { "missing-executable", RuleIds.PackageInvalid },
            { "executable-path-escape", RuleIds.PackageInvalid },
            { "truncated-macho", RuleIds.PackageInvalid },
            { "macho-random-bytes", RuleIds.PackageInvalid },
            { "macho-load-command-size-out-of-range", RuleIds.PackageInvalid },
            { "fat-overlapping-slices", RuleIds.PackageInvalid },
            { "profile-garbage", RuleIds.ProfileSignatureInvalid },
            { "profile-tampered", RuleIds.ProfileSignatureInvalid },
            { "profile-truncated-der", RuleIds.ProfileSignatureInvalid },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_hostile_package_yields_a_clear_outcome(string name, string expectedRule)
    {
        var tempBefore = Directory.GetFiles(Path.GetTempPath(), "masque-*").Length;

        var report = await BuiltInScannerTests.ScanAsync(Build(name));

        Assert.Contains(report.Findings, f => f.RuleId == expectedRule);
        if (expectedRule == RuleIds.PackageInvalid)
        {
            Assert.Equal(Verdict.Invalid, report.Verdict);
        }
        else if (expectedRule == RuleIds.PackageUnsafe)
        {
            Assert.Contains(report.Verdict, new[] { Verdict.Malicious, Verdict.Invalid });
        }

        Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Evidence)));
        Assert.True(Directory.GetFiles(Path.GetTempPath(), "masque-*").Length <= tempBefore + 1);
    }

    private static byte[] Build(string name)
    {
        var exe = ValidExecutable();
        return name switch
        {
            "not-a-zip" => Encoding.UTF8.GetBytes("This is not an .ipa at all."),
            "empty-file" => [],
            "truncated-archive" => Valid().WithExecutable(exe).TruncatedBy(40).Build(),
            "central-directory-cut" => Valid().WithExecutable(exe).WithCentralDirectoryCutBy(20).Build(),
            "traversal-entry" => Valid().WithExecutable(exe).WithRawEntry("Payload/Bank.app/../../../etc/passwd", [1, 2, 3]).Build(),
            "absolute-entry" => Valid().WithExecutable(exe).WithRawEntry("/etc/passwd", [1, 2, 3]).Build(),
            "backslash-entry" => Valid().WithExecutable(exe).WithRawEntry("Payload\\Bank.app\\x", [1, 2, 3]).Build(),
            "symlink-entry" => Valid().WithExecutable(exe).WithSymlink("link", "/etc/passwd").Build(),
            "bomb-by-ratio" => Valid().WithExecutable(exe).WithZipBomb("bomb.bin", 8 * 1024 * 1024).Build(),
            "declared-size-lie" => Valid().WithExecutable(exe).WithDeclaredUncompressedSize("Info.plist", 10).Build(),
            "local-header-name-mismatch" => Valid().WithExecutable(exe).WithLocalHeaderName("Info.plist", "Payload/Bank.app/Other.plist").Build(),
            "duplicate-names" => Valid().WithExecutable(exe).WithRawEntry("Payload/Bank.app/Info.plist", [1, 2, 3]).Build(),
            "no-payload" => Valid().WithExecutable(exe).WithoutPayload().Build(),
            "two-apps" => Valid().WithExecutable(exe).WithSecondApp("Evil").Build(),
            "missing-info-plist" => Valid().WithExecutable(exe).WithoutInfoPlist().Build(),
            "info-plist-not-a-plist" => Valid().WithExecutable(exe).WithInfoPlistBytes(Encoding.UTF8.GetBytes("just text")).Build(),
            "info-plist-array-root" => Valid().WithExecutable(exe).WithInfoPlistBytes(PlistWriter.ToBinary(new PlistArray([new PlistString("x")]))).Build(),
            "info-plist-no-bundle-id" => Valid().WithExecutable(exe).WithInfoPlist(IpaBuilder.Dictionary(("CFBundleExecutable", new PlistString("Bank")))).Build(),
            "bplist-cycle" => Valid().WithExecutable(exe).WithInfoPlistBytes(Convert.FromHexString("62706c6973743030a10008" + "000000000000010100000000000000010000000000000000000000000000000a")).Build(),
            "bplist-slack" => Valid().WithExecutable(exe).WithInfoPlistBytes(Convert.FromHexString("62706c6973743030100508" + "00" + "000000000000010100000000000000010000000000000000000000000000000a")).Build(),
            "bplist-huge-count" => Valid().WithExecutable(exe).WithInfoPlistBytes(Convert.FromHexString("62706c69737430305f13000000ffffffffff08" + "00000000000001010000000000000001000000000000000000000000000000" + "12")).Build(),
            "bplist-deep-nesting" => Valid().WithExecutable(exe).WithInfoPlistBytes(Encoding.UTF8.GetBytes("<plist><dict><key>a</key>" + string.Concat(Enumerable.Repeat("<array>", 5000)) + string.Concat(Enumerable.Repeat("</array>", 5000)) + "</dict></plist>")).Build(),
            "xml-entity" => Valid().WithExecutable(exe).WithInfoPlistBytes(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><plist><dict><key>CFBundleIdentifier</key><string>&xxe;</string></dict></plist>")).Build(),
            "missing-executable" => Valid().Build(),
            "executable-path-escape" => Valid().WithExecutable(exe).WithInfoPlist(IpaBuilder.Dictionary(("CFBundleIdentifier", new PlistString("com.example.bank")), ("CFBundleExecutable", new PlistString("../../Bank")))).Build(),
            "truncated-macho" => Valid().WithExecutable(exe[..100]).Build(),
            "macho-random-bytes" => Valid().WithExecutable(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096)).Build(),
            "macho-load-command-size-out-of-range" => Valid().WithExecutable(CorruptFirstCommandSize(exe)).Build(),
            "fat-overlapping-slices" => Valid().WithExecutable(Convert.FromHexString("cafebabe00000002" + "0000000c000000090000400000010000" + "0000000e" + "0100000c000000000000800000010000" + "0000000e").Concat(new byte[0x18000]).ToArray()).Build(),
            "profile-garbage" => Valid().WithExecutable(exe).WithProvisioningProfile(Encoding.UTF8.GetBytes("garbage, not a CMS")).Build(),
            "profile-tampered" => Valid().WithExecutable(exe).WithProvisioningProfile(SamplePackages.Profile(new SampleApp { TamperProfile = true }, TestPki.Shared, TestPki.Shared.Distribution)).Build(),
            "profile-truncated-der" => Valid().WithExecutable(exe).WithProvisioningProfile(SamplePackages.Profile(new SampleApp(), TestPki.Shared, TestPki.Shared.Distribution)[..200]).Build(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    /// <summary>The first load command claims to run past sizeofcmds.</summary>
    private static byte[] CorruptFirstCommandSize(byte[] machO)
    {
        var copy = machO.ToArray();
        BitConverter.GetBytes(0x7FFFFFF0u).CopyTo(copy, 32 + 4);
        return copy;
    }
}
