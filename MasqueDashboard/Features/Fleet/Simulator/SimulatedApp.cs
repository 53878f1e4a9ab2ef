using System.Security.Cryptography;
using System.Text;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>The provisioning profile an in-house app brings with it, as an on-device agent reports it (PRODUCT.md §6).</summary>
public sealed record SimulatedProfile(string Uuid, string Name, string TeamId, DateTime ExpiresAtUtc, bool ProvisionsAllDevices)
{
    public ReportedProvisioningProfile ToContract() => new(Uuid, Name, TeamId, ExpiresAtUtc, ProvisionsAllDevices);

    /// <summary>An enterprise (in-house) profile for <paramref name="teamId"/>, its UUID stable for the same name and team.</summary>
    public static SimulatedProfile InHouse(string name, string teamId, DateTime nowUtc) =>
        new(Fingerprints.Uuid($"profile:{teamId}:{name}"), name, teamId, nowUtc.Date.AddYears(1), ProvisionsAllDevices: true);
}

/// <summary>An app on a simulated device, with what an on-device agent knows of it (team, signer, provenance).</summary>
/// <param name="Distribution">AppStore, Enterprise, AdHoc or Development: the contract's words.</param>
/// <param name="Managed">Installed by MDM (iOS lets MDM remove managed apps only).</param>
/// <param name="Profile">The provisioning profile the app needs to launch (in-house apps), reported while the app is installed.</param>
public sealed record SimulatedApp(
    string BundleId,
    string Name,
    string? Version,
    string? TeamId,
    string? SignerSha1,
    string Distribution,
    IReadOnlyList<string> UrlSchemes,
    bool Managed,
    SimulatedProfile? Profile = null)
{
    public const string AppStore = "AppStore";
    public const string Enterprise = "Enterprise";

    public InstalledApp ToContract() => new(BundleId, Name, Version, TeamId, SignerSha1, Distribution, UrlSchemes, [], Managed, Profile?.Uuid);
}

/// <summary>
/// Stable stand-ins for identifiers the simulator has to invent (team ids, certificate fingerprints, profile UUIDs):
/// derived from a text, so the same fleet reports the same values on every run. They are not real fingerprints.
/// </summary>
public static class Fingerprints
{
    private const string TeamAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

    /// <summary>A lower-case hex SHA-1 of <paramref name="text"/>: the shape of a certificate fingerprint.</summary>
    public static string Sha1(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A 10-character Apple Team ID (upper-case letters and digits).</summary>
    public static string TeamId(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"team:{text}"));
        return string.Create(10, hash, (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = TeamAlphabet[bytes[i] % TeamAlphabet.Length];
            }
        });
    }

    /// <summary>An upper-case UUID, as iOS prints profile UUIDs.</summary>
    public static string Uuid(string text)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5 layout: name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D").ToUpperInvariant();
    }
}
