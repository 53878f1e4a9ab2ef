using MasqueDashboard.Features.Audit;
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

/// <summary>
/// Demo data for a first look at the product in Development: one account per role (two EmmAdmins, since a
/// full wipe needs a second admin's approval) and two weeks of console sign-ins for the overview chart.
/// </summary>
public sealed class DemoSeeder(
    UserAdministrationService administration,
    IDbContextFactory<MasqueDbContext> contexts,
    UserManager<ApplicationUser> users,
    IAuditLog audit,
    TimeProvider time,
    ILogger<DemoSeeder> logger)
{
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
    }

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
