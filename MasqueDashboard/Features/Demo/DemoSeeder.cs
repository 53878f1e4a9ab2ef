using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Demo;

/// <summary>The <c>Demo</c> configuration section.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed demo accounts and history at start-up. Honoured in Development only, never in Production.</summary>
    public bool Seed { get; set; }
}

public sealed record DemoAccount(string Email, string Password, string[] Roles);

/// <summary>A published in-house app of the demo catalog.</summary>
public sealed record DemoCatalogApp(string BundleId, string Name, string Version, string[] UrlSchemes);

/// <summary>
/// Demo data for a first look at the product in Development: one account per role (two EmmAdmins, since a
/// full wipe needs a second admin's approval), two weeks of console sign-ins for the overview chart, and a small
/// published catalog of Example Corp's in-house apps with their trusted team, so the fleet simulator's Masque
/// campaign has genuine apps to impersonate. Every part is added once: seeding again changes nothing.
/// </summary>
public sealed class DemoSeeder(
    UserAdministrationService administration,
    IDbContextFactory<MasqueDbContext> contexts,
    UserManager<ApplicationUser> users,
    IAuditLog audit,
    FleetCache fleetCache,
    TimeProvider time,
    ILogger<DemoSeeder> logger)
{
    public const string CatalogTeamId = "ABCDE12345";
    public const string CatalogTeamName = "Example Corp";

    public static IReadOnlyList<DemoCatalogApp> CatalogApps { get; } =
    [
        new("com.example.bank", "Example Bank", "3.2.0", ["examplebank"]),
        new("com.example.mail", "Example Mail", "2.1.4", ["examplemail"]),
        new("com.example.expenses", "Expenses", "1.8.0", ["exampleexpenses"]),
        new("com.example.directory", "Corporate Directory", "1.2", []),
    ];

    /// <summary>The stand-in fingerprint of Example Corp's distribution certificate (not a real certificate).</summary>
    public static string CatalogCertificateSha1 { get; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"iPhone Distribution: {CatalogTeamName} ({CatalogTeamId})")));

    public static IReadOnlyList<DemoAccount> Accounts { get; } =
    [
        new("developer@masque.test", "Developer-Demo-1!", [Roles.Developer]),
        new("reviewer@masque.test", "Reviewer-Demo-1!", [Roles.SecurityReviewer]),
        new("admin@masque.test", "Admin-Demo-1!", [Roles.EmmAdmin]),
        new("admin2@masque.test", "Admin2-Demo-1!", [Roles.EmmAdmin]),
        new("auditor@masque.test", "Auditor-Demo-1!", [Roles.Auditor]),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        var created = false;
        foreach (var account in Accounts)
        {
            if (await users.FindByEmailAsync(account.Email) is null)
            {
                await administration.CreateAsync(AuditActor.System, account.Email, account.Roles, account.Password, cancellationToken);
                created = true;
            }
        }

        if (created)
        {
            await SeedSignInHistoryAsync(cancellationToken);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Demo accounts seeded: {Accounts}", string.Join(", ", Accounts.Select(a => $"{a.Email} / {a.Password}")));
            }
        }

        await SeedCatalogAsync(cancellationToken);
    }

    /// <summary>
    /// Example Corp (<see cref="CatalogTeamId"/>) as a trusted signer and its published apps. Each app stands on a demo
    /// <see cref="Submission"/> (published, no package file, no scan report: <see cref="Submission.IsDemo"/>), since a
    /// catalog app always names the submission it came from. Apps whose bundle id is already in the catalog are left alone.
    /// </summary>
    public async Task SeedCatalogAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = false;
        if (!await db.TrustedSigners.AnyAsync(t => t.TeamId == CatalogTeamId, cancellationToken))
        {
            db.TrustedSigners.Add(new TrustedSigner { TeamId = CatalogTeamId, Name = CatalogTeamName, CertificateSha1 = CatalogCertificateSha1, AddedBy = AuditActor.System.Name, AddedAtUtc = now });
            await audit.AppendAsync(db, AuditActor.System, SignerService.Trusted, $"team:{CatalogTeamId}", new { name = CatalogTeamName, certificateSha1 = CatalogCertificateSha1, demo = true }, cancellationToken);
            changed = true;
        }

        var bundleIds = CatalogApps.Select(a => a.BundleId).ToList();
        var existing = await db.CatalogApps.Where(a => bundleIds.Contains(a.BundleId)).Select(a => a.BundleId).ToListAsync(cancellationToken);
        foreach (var app in CatalogApps.Where(a => !existing.Contains(a.BundleId)))
        {
            var submission = DemoSubmission(app, now);
            db.Submissions.Add(submission);
            var catalogApp = new CatalogApp
            {
                Id = Guid.NewGuid(), BundleId = app.BundleId, Name = app.Name, TeamId = CatalogTeamId, Status = CatalogAppStatus.Published,
                CurrentSubmissionId = submission.Id, CurrentVersion = app.Version, Distribution = "Enterprise", UrlSchemes = string.Join(' ', app.UrlSchemes),
                ApprovedByEmail = submission.ReviewerEmail!, PublishedByEmail = submission.PublisherEmail!, PublishedAtUtc = now,
            };
            catalogApp.Versions.Add(new CatalogAppVersion
            {
                SubmissionId = submission.Id, Version = app.Version, TeamId = CatalogTeamId, ApprovedByEmail = catalogApp.ApprovedByEmail,
                PublishedByEmail = catalogApp.PublishedByEmail, PublishedAtUtc = now,
            });
            db.CatalogApps.Add(catalogApp);
            await audit.AppendAsync(db, AuditActor.System, SubmissionActions.Published, SubmissionService.Target(submission.Id),
                new { catalogApp = catalogApp.Id, bundleId = app.BundleId, teamId = CatalogTeamId, version = app.Version, demo = true }, cancellationToken);
            changed = true;
        }

        // Demo submissions seeded before profiles were recorded: give them the profile the simulated fleet carries.
        foreach (var stale in await db.Submissions.Where(x => x.UploaderId == Submission.DemoUploaderId && x.ProfileUuid == null && x.BundleId != null).ToListAsync(cancellationToken))
        {
            if (CatalogApps.FirstOrDefault(a => a.BundleId == stale.BundleId) is { } known)
            {
                stale.ProfileUuid = Fleet.Simulator.SimulatedProfile.InHouse($"{known.Name} In-House", CatalogTeamId, now).Uuid;
                changed = true;
            }
        }

        if (!changed)
        {
            return;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        fleetCache.Invalidate();
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Demo catalog seeded: team {TeamId} ({Name}) trusted; apps {Apps}", CatalogTeamId, CatalogTeamName, string.Join(", ", bundleIds));
        }
    }

    private static Submission DemoSubmission(DemoCatalogApp app, DateTime now) => new()
    {
        Id = Guid.NewGuid(),
        UploaderId = Submission.DemoUploaderId,
        UploaderEmail = Submission.DemoUploaderId,
        UploadedAtUtc = now,
        FileName = $"{app.BundleId}-{app.Version}.ipa",
        SizeBytes = 0,
        // No package exists: a stand-in hash that no real upload can match.
        PackageSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"demo package {app.BundleId} {app.Version}"))),
        Status = SubmissionStatus.Published,
        StatusReason = "Demo data: seeded in Development without a package, so there is no scan report and nothing to rescan.",
        StatusChangedAtUtc = now,
        AppName = app.Name,
        BundleId = app.BundleId,
        Version = app.Version,
        TeamId = CatalogTeamId,
        Distribution = "Enterprise",
        // The in-house profile the simulated fleet carries for this app, so MDM-only devices (no team) see the catalog's profile.
        ProfileUuid = Fleet.Simulator.SimulatedProfile.InHouse($"{app.Name} In-House", CatalogTeamId, now).Uuid,
        Verdict = Verdict.Clean,
        RiskScore = 0,
        UrlSchemes = " " + string.Join(' ', app.UrlSchemes) + " ",
        Signers =
        [
            new SubmissionSigner
            {
                Sha1 = CatalogCertificateSha1,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"iPhone Distribution: {CatalogTeamName} ({CatalogTeamId})"))),
                Subject = $"CN=iPhone Distribution: {CatalogTeamName}, OU={CatalogTeamId}, O={CatalogTeamName}, C=US",
                TeamId = CatalogTeamId,
                NotAfterUtc = now.Date.AddYears(2),
                Role = "Code signature",
            },
        ],
        ReviewerEmail = "reviewer@masque.test",
        ReviewedAtUtc = now,
        ReviewJustification = "Demo data.",
        ReviewedVerdict = Verdict.Clean,
        PublisherEmail = "admin@masque.test",
        PublishedAtUtc = now,
    };

    private async Task SeedSignInHistoryAsync(CancellationToken cancellationToken)
    {
        var random = new Random(2014);
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-13);
        var accounts = new List<(DemoAccount Account, string Id)>();
        foreach (var account in Accounts)
        {
            var user = await users.FindByEmailAsync(account.Email);
            accounts.Add((account, user!.Id));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var day = 0; day < 13; day++)
        {
            var events = new List<(DateTimeOffset At, string Action, DemoAccount Account, string Id, string? Reason)>();
            foreach (var (account, id) in accounts)
            {
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    events.Add((start.AddDays(day).AddHours(7 + random.Next(11)).AddMinutes(random.Next(60)), AuditActions.LoginSucceeded, account, id, null));
                }

                if (random.Next(4) == 0)
                {
                    events.Add((start.AddDays(day).AddHours(6 + random.Next(14)).AddMinutes(random.Next(60)), AuditActions.LoginFailed, account, id, "bad-password"));
                }
            }

            foreach (var e in events.OrderBy(e => e.At))
            {
                var ip = $"198.51.100.{10 + random.Next(40)}";
                object details = e.Reason is null
                    ? new { method = "password", userAgent = "Mozilla/5.0 (demo)", demo = true }
                    : new { reason = e.Reason, userAgent = "Mozilla/5.0 (demo)", demo = true };
                await audit.AppendHistoricAsync(db, new AuditActor(e.Account.Email, e.Id, ip), e.Action, $"user:{e.Id}", details, e.At, cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
