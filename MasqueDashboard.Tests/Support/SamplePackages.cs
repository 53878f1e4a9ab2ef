using System.Security.Cryptography.X509Certificates;
using System.Text;
using MasqueDashboard.Features.Scanning.MachO;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Tests.Features.Scanning.MachO;

namespace MasqueDashboard.Tests.Support;

/// <summary>What a sample app looks like; the defaults give a clean, properly signed enterprise build of the test team.</summary>
public sealed record SampleApp
{
    public string Name { get; init; } = "Bank";

    public string BundleId { get; init; } = "com.example.bank";

    public string Version { get; init; } = "1.0";

    /// <summary>The team in the profile and the certificate; the signing leaf is issued for it.</summary>
    public string TeamId { get; init; } = TestPki.TeamId;

    public DistributionType Distribution { get; init; } = DistributionType.Enterprise;

    /// <summary>When the profile was made; its ExpirationDate is a year later. Defaults to a month ago.</summary>
    public DateTimeOffset? ProfileCreated { get; init; }

    public PlistFormat InfoPlistFormat { get; init; } = PlistFormat.Binary;

    public IReadOnlyList<string> UrlSchemes { get; init; } = [];

    public bool AllowsArbitraryLoads { get; init; }

    public bool Pie { get; init; } = true;

    public bool StackCanary { get; init; } = true;

    /// <summary>False: no LC_CODE_SIGNATURE at all.</summary>
    public bool CodeSigned { get; init; } = true;

    /// <summary>True: a code signature without a CMS signer.</summary>
    public bool AdHoc { get; init; }

    /// <summary>The CodeDirectory identifier; the bundle id when null.</summary>
    public string? CodeIdentifier { get; init; }

    /// <summary>The CodeDirectory team id; <see cref="TeamId"/> when null.</summary>
    public string? CodeTeamId { get; init; }

    /// <summary>The entitlement get-task-allow in the signed entitlements.</summary>
    public bool GetTaskAllow { get; init; }

    public bool IncludeProfile { get; init; } = true;

    /// <summary>Flip a byte of the profile's content after signing.</summary>
    public bool TamperProfile { get; init; }

    /// <summary>Sign the profile with a key outside every trusted root.</summary>
    public bool ProfileFromUntrustedSigner { get; init; }

    /// <summary>Sign the code with a key outside every trusted root.</summary>
    public bool CodeFromUntrustedSigner { get; init; }

    /// <summary>Extensions: (name, bundle id).</summary>
    public IReadOnlyList<(string Name, string BundleId)> Extensions { get; init; } = [];

    /// <summary>A universal executable: a signed armv7 slice beside the signed arm64 one.</summary>
    public bool Fat { get; init; }

    /// <summary>The team whose CodeDirectory signs the extensions' executables; the app's team when null.</summary>
    public string? ExtensionTeamId { get; init; }
}

/// <summary>
/// Realistic packages for the scanner's tests: Info.plist, a Mach-O executable whose code signature is a real
/// detached CMS over its CodeDirectory by the test PKI, a CMS-signed provisioning profile, extensions.
/// </summary>
public static class SamplePackages
{
    private static readonly Lazy<TestPki> Untrusted = new(() => TestPki.Create("CN=Someone Else Root, O=Elsewhere, C=US"));

    public static byte[] Build(SampleApp app, TestPki? pki = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        pki ??= TestPki.Shared;
        var codePki = app.CodeFromUntrustedSigner ? Untrusted.Value : pki;
        var leaf = app.TeamId == TestPki.TeamId
            ? codePki.Distribution
            : codePki.IssueLeaf(TestPki.ValidFrom, TestPki.ValidUntil, $"CN=iPhone Distribution: Other Corp ({app.TeamId}), OU={app.TeamId}, O=Other Corp, C=US");

        var info = new List<KeyValuePair<string, PlistNode>>
        {
            new("CFBundleIdentifier", new PlistString(app.BundleId)),
            new("CFBundleName", new PlistString(app.Name)),
            new("CFBundleDisplayName", new PlistString(app.Name)),
            new("CFBundleExecutable", new PlistString(app.Name)),
            new("CFBundleShortVersionString", new PlistString(app.Version)),
            new("CFBundleVersion", new PlistString("1")),
            new("MinimumOSVersion", new PlistString("7.1")),
        };
        if (app.UrlSchemes.Count > 0)
        {
            info.Add(new("CFBundleURLTypes", new PlistArray([new PlistDictionary([new("CFBundleURLSchemes", new PlistArray(app.UrlSchemes.Select(s => new PlistString(s))))])])));
        }

        if (app.AllowsArbitraryLoads)
        {
            info.Add(new("NSAppTransportSecurity", new PlistDictionary([new("NSAllowsArbitraryLoads", new PlistBoolean(true))])));
        }

        var builder = new IpaBuilder(app.Name)
            .WithInfoPlist(new PlistDictionary(info), app.InfoPlistFormat)
            .WithExecutable(Executable(app, codePki, leaf));
        if (app.IncludeProfile)
        {
            builder.WithProvisioningProfile(Profile(app, pki, leaf));
        }

        foreach (var (name, bundleId) in app.Extensions)
        {
            var extensionBinary = Executable(app with { Name = name, BundleId = bundleId, TeamId = app.ExtensionTeamId ?? app.TeamId, CodeTeamId = null, Extensions = [] }, codePki, leaf);
            builder.WithExtension(name, x => x.WithExecutable(extensionBinary).WithInfoPlist(new PlistDictionary(
            [
                new("CFBundleIdentifier", new PlistString(bundleId)),
                new("CFBundleName", new PlistString(name)),
                new("CFBundleExecutable", new PlistString(name)),
                new("NSExtension", new PlistDictionary([new("NSExtensionPointIdentifier", new PlistString("com.apple.share-services"))])),
            ])));
        }

        return builder.Build();
    }

    public static byte[] Profile(SampleApp app, TestPki pki, X509Certificate2 leaf)
    {
        var created = app.ProfileCreated ?? DateTimeOffset.UtcNow.AddDays(-30);
        created = new DateTimeOffset(created.UtcDateTime.Date.AddHours(9), TimeSpan.Zero);
        var profile = TestProfiles.Create(app.Distribution, [TestPki.PublicOnly(leaf)], created, app.TeamId, app.BundleId);
        var signer = app.ProfileFromUntrustedSigner ? Untrusted.Value.ProfileSigner : pki.ProfileSigner;
        var bytes = (app.ProfileFromUntrustedSigner ? Untrusted.Value : pki).SignProfile(profile, created, signer);
        return app.TamperProfile ? TestPki.ReplaceOnce(bytes, TestProfiles.Uuid, TestProfiles.Uuid.Replace("4b1b", "4b1c", StringComparison.Ordinal)) : bytes;
    }

    /// <summary>
    /// A thin arm64 executable. Its CMS signs the CodeDirectory, whose page hashes cover the load commands,
    /// which hold the signature's size: so build, sign, and rebuild until the signature no longer changes size.
    /// </summary>
    public static byte[] Executable(SampleApp app, TestPki pki, X509Certificate2 leaf)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Fat)
        {
            var arm64 = Slice(app, pki, leaf, is64Bit: true);
            var armv7 = Slice(app, pki, leaf, is64Bit: false);
            return MachOBuilder.Fat([new FatSlice(armv7, MachOBuilder.CpuArm, 9), new FatSlice(arm64, MachOBuilder.CpuArm64, 0)]).Bytes;
        }

        return Slice(app, pki, leaf, is64Bit: true);
    }

    private static byte[] Slice(SampleApp app, TestPki pki, X509Certificate2 leaf, bool is64Bit)
    {
        var symbols = new List<(string Name, byte Type)> { ("__mh_execute_header", 0x0F), ("_main", 0x0F), ("_NSLog", 0x01), ("_objc_release", 0x01) };
        if (app.StackCanary)
        {
            symbols.Add(("___stack_chk_fail", 0x01));
            symbols.Add(("___stack_chk_guard", 0x01));
        }

        var entitlements = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0"><dict>
            <key>application-identifier</key><string>{app.TeamId}.{app.BundleId}</string>
            <key>get-task-allow</key><{(app.GetTaskAllow ? "true" : "false")}/>
            </dict></plist>
            """;
        byte[]? cms = app.AdHoc ? null : new byte[16];
        byte[] bytes = [];
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var machO = new MachOBuilder
            {
                Is64Bit = is64Bit,
                CpuType = is64Bit ? MachOBuilder.CpuArm64 : MachOBuilder.CpuArm,
                CpuSubtype = is64Bit ? 0u : 9u,
                Flags = app.Pie ? 0x200085u : 0x85u,
                Symbols = symbols,
                Signature = app.CodeSigned
                    ? new SignatureSpec
                    {
                        Identifier = app.CodeIdentifier ?? app.BundleId,
                        TeamId = app.CodeTeamId ?? app.TeamId,
                        EntitlementsXml = entitlements,
                        EntitlementsDer = null,
                        Cms = cms,
                    }
                    : null,
            };
            bytes = machO.Build().Bytes;
            if (!app.CodeSigned || app.AdHoc)
            {
                return bytes;
            }

            var signature = MachOReader.Read(bytes).Slices[0].CodeSignature!;
            var signed = pki.SignCodeDirectory(signature.PrimaryCodeDirectory.Blob, signature.CodeDirectories.Select(cd => cd.CdHash).ToList(), DateTimeOffset.UtcNow.AddDays(-1), leaf);
            if (cms is not null && signed.Length == cms.Length && cms.AsSpan().SequenceEqual(signed))
            {
                return bytes;
            }

            if (cms is not null && signed.Length == cms.Length)
            {
                // Same size: the CodeDirectory is final; this signature is valid for it.
                cms = signed;
                return new MachOBuilder
                {
                    Is64Bit = is64Bit,
                    CpuType = is64Bit ? MachOBuilder.CpuArm64 : MachOBuilder.CpuArm,
                    CpuSubtype = is64Bit ? 0u : 9u,
                    Flags = app.Pie ? 0x200085u : 0x85u,
                    Symbols = symbols,
                    Signature = new SignatureSpec
                    {
                        Identifier = app.CodeIdentifier ?? app.BundleId,
                        TeamId = app.CodeTeamId ?? app.TeamId,
                        EntitlementsXml = entitlements,
                        EntitlementsDer = null,
                        Cms = cms,
                    },
                }.Build().Bytes;
            }

            cms = signed;
        }

        throw new InvalidOperationException("The code signature did not settle to a stable size.");
    }
}
