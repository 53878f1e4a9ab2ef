using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// Provisioning-profile contents as Apple's portal writes them (DOMAIN §4; Apple TN3125), for a given
/// distribution type, and the <c>DER-Encoded-Profile</c> that goes with them. Sign the result with
/// <see cref="TestPki.SignProfile"/>.
/// </summary>
public static class TestProfiles
{
    public const string BundleId = "com.example.app";
    public const string Uuid = "4b1b5f3c-8d2e-4c55-9a61-0e6f2a7d9b10";
    public const string DeviceUdid = "00008030-001544522E60802E";

    /// <summary>Apple's profiles carry their creation time to the second; the CMS signingTime equals it.</summary>
    public static readonly DateTimeOffset CreationDate = new(2021, 4, 21, 9, 15, 23, TimeSpan.Zero);

    /// <summary>
    /// A profile for <paramref name="kind"/> allowing <paramref name="developerCertificates"/>: enterprise ones
    /// provision all devices, development ones allow get-task-allow and list a device, ad hoc ones list a
    /// device, App Store ones neither. <see cref="DistributionType.NotIos"/> gives a macOS Developer ID profile.
    /// </summary>
    public static PlistDictionary Create(
        DistributionType kind,
        IEnumerable<X509Certificate2> developerCertificates,
        DateTimeOffset? creationDate = null,
        string teamId = TestPki.TeamId,
        string bundleId = BundleId)
    {
        ArgumentNullException.ThrowIfNull(developerCertificates);
        var created = creationDate ?? CreationDate;
        var entitlements = new List<KeyValuePair<string, PlistNode>>
        {
            new("application-identifier", new PlistString($"{teamId}.{bundleId}")),
            new("com.apple.developer.team-identifier", new PlistString(teamId)),
            new("get-task-allow", new PlistBoolean(kind == DistributionType.Development)),
            new("keychain-access-groups", new PlistArray([new PlistString($"{teamId}.*")])),
        };
        if (kind is DistributionType.AppStore)
        {
            entitlements.Add(new("beta-reports-active", new PlistBoolean(true)));
        }

        var entries = new List<KeyValuePair<string, PlistNode>>
        {
            new("AppIDName", new PlistString("Example App")),
            new("ApplicationIdentifierPrefix", new PlistArray([new PlistString(teamId)])),
            new("CreationDate", new PlistDate(created)),
            new("Platform", new PlistArray([new PlistString(kind == DistributionType.NotIos ? "OSX" : "iOS")])),
            new("IsXcodeManaged", new PlistBoolean(false)),
            new("DeveloperCertificates", new PlistArray(developerCertificates.Select(certificate => new PlistData(certificate.RawData)))),
            new("Entitlements", new PlistDictionary(entitlements)),
            new("ExpirationDate", new PlistDate(created.AddDays(365))),
            new("Name", new PlistString($"Example App {kind}")),
        };
        if (kind is DistributionType.Development or DistributionType.AdHoc)
        {
            entries.Add(new("ProvisionedDevices", new PlistArray([new PlistString(DeviceUdid)])));
        }

        if (kind is DistributionType.Enterprise or DistributionType.NotIos)
        {
            entries.Add(new("ProvisionsAllDevices", new PlistBoolean(true)));
        }

        entries.Add(new("TeamIdentifier", new PlistArray([new PlistString(teamId)])));
        entries.Add(new("TeamName", new PlistString(TestPki.TeamName)));
        entries.Add(new("TimeToLive", new PlistInteger(365)));
        entries.Add(new("UUID", new PlistString(Uuid)));
        entries.Add(new("Version", new PlistInteger(1)));
        return new PlistDictionary(entries);
    }

    /// <summary>
    /// <paramref name="dictionary"/> with <paramref name="key"/> set to <paramref name="value"/> (added at the end
    /// when new), or removed when <paramref name="value"/> is null.
    /// </summary>
    public static PlistDictionary With(PlistDictionary dictionary, string key, PlistNode? value)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var entries = dictionary.Where(entry => entry.Key != key).ToList();
        if (value is not null)
        {
            var at = dictionary.Keys.ToList().IndexOf(key);
            entries.Insert(at < 0 ? entries.Count : at, new(key, value));
        }

        return new PlistDictionary(entries);
    }

    /// <summary>
    /// <paramref name="profile"/> plus a <c>DER-Encoded-Profile</c> signed by <paramref name="pki"/>'s profile
    /// signer. The DER form is made from <paramref name="derSource"/> when given (to build a disagreeing
    /// pair), else from <paramref name="profile"/> itself.
    /// </summary>
    public static PlistDictionary WithDerEncodedProfile(PlistDictionary profile, TestPki pki, PlistDictionary? derSource = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(pki);
        var content = EncodeDerContent(derSource ?? profile);
        var signed = pki.SignContent(content, profile.GetDate("CreationDate"), pki.ProfileSigner);
        return With(profile, "DER-Encoded-Profile", new PlistData(signed));
    }

    /// <summary>
    /// The DER payload of TN3125 "The future is DER": a SET of SEQUENCE { UTF8String key, value }, with
    /// DeveloperCertificates as SHA-256 digests and Entitlements in the DER entitlements form (DOMAIN §5.6).
    /// </summary>
    public static byte[] EncodeDerContent(PlistDictionary profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            foreach (var (key, value) in profile)
            {
                if (key == "DER-Encoded-Profile")
                {
                    continue;
                }

                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, key);
                    switch (key)
                    {
                        case "DeveloperCertificates" when value is PlistArray certificates:
                            using (writer.PushSequence())
                            {
                                foreach (var certificate in certificates.OfType<PlistData>())
                                {
                                    writer.WriteOctetString(SHA256.HashData(certificate.Value.Span));
                                }
                            }

                            break;
                        case "Entitlements" when value is PlistDictionary entitlements:
                            using (writer.PushSequence(new Asn1Tag(TagClass.Application, 16)))
                            {
                                writer.WriteInteger(1);
                                WriteDictionary(writer, entitlements);
                            }

                            break;
                        default:
                            WriteValue(writer, value);
                            break;
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteValue(AsnWriter writer, PlistNode value)
    {
        switch (value)
        {
            case PlistString text:
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, text.Value);
                break;
            case PlistBoolean boolean:
                writer.WriteBoolean(boolean.Value);
                break;
            case PlistInteger integer:
                writer.WriteInteger((BigInteger)integer.Value);
                break;
            case PlistDate date when date.Value.Year < 2050:
                writer.WriteUtcTime(date.Value);
                break;
            case PlistDate date:
                writer.WriteGeneralizedTime(date.Value, omitFractionalSeconds: true);
                break;
            case PlistData data:
                writer.WriteOctetString(data.Value.Span);
                break;
            case PlistArray array:
                using (writer.PushSequence())
                {
                    foreach (var item in array)
                    {
                        WriteValue(writer, item);
                    }
                }

                break;
            case PlistDictionary dictionary:
                WriteDictionary(writer, dictionary);
                break;
            default:
                throw new ArgumentException($"DER profiles cannot hold {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteDictionary(AsnWriter writer, PlistDictionary dictionary)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 16)))
        {
            foreach (var (key, value) in dictionary.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, key);
                    WriteValue(writer, value);
                }
            }
        }
    }
}
