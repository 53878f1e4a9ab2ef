using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Features.Scanning.Rules;

namespace MasqueDashboard.Features.Scanning;

/// <summary>Turns what the stages learned and what the rules found into the stored <see cref="ScanReport"/>.</summary>
public static class ReportBuilder
{
    public static ScanReport Build(ScanContext context, IReadOnlyList<Finding> findings, IReadOnlyList<ScanStage> timeline)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var distinct = findings.DistinctBy(f => (f.RuleId, f.Evidence)).ToList();
        var verdict = RiskScore.VerdictOf(distinct);
        var info = context.InfoPlist;
        var profile = context.Profile?.Profile;
        var slice = context.PrimarySlice;

        return new ScanReport
        {
            PackageSha256 = context.Request.Sha256,
            PackageSize = context.Request.Size,
            ScannedAt = context.ScannedAt,
            Verdict = verdict,
            RiskScore = verdict == Verdict.Invalid ? null : RiskScore.Compute(distinct),
            Findings = distinct.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList(),
            TeamId = context.TeamId,
            Distribution = profile?.Distribution.ToString() ?? (context.AppDirectory is null ? null : "None"),
            App = info is null ? null : new AppSummary(
                info.GetString("CFBundleName"),
                info.GetString("CFBundleDisplayName"),
                info.GetString("CFBundleIdentifier"),
                info.GetString("CFBundleShortVersionString"),
                info.GetString("CFBundleVersion"),
                info.GetString("MinimumOSVersion"),
                info.GetString("CFBundleExecutable"),
                context.UrlSchemes,
                info.GetStringArray("LSApplicationQueriesSchemes") ?? [],
                info.GetStringArray("UIBackgroundModes") ?? [],
                info.GetDictionary("NSAppTransportSecurity")?.GetBoolean("NSAllowsArbitraryLoads") == true),
            Profile = context.Profile is not { } p ? null : new ProfileSummary(
                p.Profile.Name,
                p.Profile.Uuid,
                p.Profile.TeamId,
                p.Profile.TeamName,
                p.Profile.CreationDate,
                p.Profile.ExpirationDate,
                p.Profile.Distribution.ToString(),
                p.Profile.ProvisionsAllDevices,
                p.Profile.ProvisionedDevices?.Count ?? 0,
                p.Signature.IsSigned,
                p.Signature.SignatureValid,
                p.Signature.ChainTrusted),
            SignerCertificates = Certificates(context),
            Binary = context.Binary is null || slice is null ? null : new BinarySummary(
                context.BinarySha256 ?? "",
                context.BinarySize,
                context.Binary.Slices.Select(s => s.Architecture).ToList(),
                slice.CodeSignature is not null,
                slice.CodeSignature?.PrimaryCodeDirectory.Identifier,
                slice.CodeSignature?.PrimaryCodeDirectory.TeamId,
                context.Binary.Slices.All(s => s.IsPie),
                context.Binary.Slices.All(s => s.HasStackCanary),
                context.Binary.Slices.Any(s => s.UsesArc),
                context.Binary.Slices.Any(s => s.Encryption is { CryptId: not 0 })),
            Extensions = context.Extensions.Select(x => new ExtensionSummary(x.Directory, x.BundleId, x.Name, x.ExtensionPoint, x.TeamId)).ToList(),
            Entitlements = context.SignedEntitlements is { } e ? e.ToDictionary(kv => kv.Key, kv => Display(kv.Value)) : new Dictionary<string, object?>(),
            Timeline = timeline,
        };
    }

    private static List<CertificateSummary> Certificates(ScanContext context)
    {
        var list = new List<CertificateSummary>();
        if (context.CodeSignature?.Signer is { } leaf)
        {
            list.Add(Summary(leaf, "Code signature"));
        }

        foreach (var c in context.Profile?.Profile.DeveloperCertificates ?? [])
        {
            if (list.All(x => x.Sha256 != c.Sha256))
            {
                list.Add(Summary(c, "Profile developer certificate"));
            }
        }

        return list;
    }

    private static CertificateSummary Summary(SigningCertificate c, string role) => new(c.Sha1, c.Sha256, c.Subject, c.NotAfter, role, c.TeamId);

    private static object? Display(PlistNode node) => node switch
    {
        PlistString s => s.Value,
        PlistBoolean b => b.Value,
        PlistInteger i => i.TryGetInt64(out var l) ? l : i.ToString(),
        PlistArray a => string.Join(", ", a.Take(20).Select(x => Display(x)?.ToString())),
        PlistDictionary d => $"{{{d.Count} keys}}",
        _ => node.ToString(),
    };
}
