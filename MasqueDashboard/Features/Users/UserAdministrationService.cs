using System.Security.Claims;
using System.Security.Cryptography;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Users;

public sealed record UserRow(string Id, string Email, IReadOnlyList<string> Roles, bool IsLockedOut, bool TwoFactorEnabled, DateTime CreatedAtUtc, DateTime? LastSignInAtUtc);

public sealed record UserQuery(string? Search = null, string? Role = null, int Page = 0, int PageSize = 25, string SortBy = nameof(UserRow.Email), bool Descending = false);

public sealed record Paged<T>(IReadOnlyList<T> Items, int TotalCount);

/// <param name="GeneratedPassword">Set when no password was given: shown once to the administrator.</param>
public sealed record CreatedUser(string Id, string Email, string? GeneratedPassword);

/// <summary>
/// User and role administration (PRODUCT.md §2): no self-registration, no conflicting roles, nobody
/// changes their own roles or locks themselves, every change an audit event in the same transaction.
/// Each operation runs in its own DI scope, so Identity's store and the audit append share one short-lived
/// context and one transaction, whatever the lifetime of the page that called.
/// </summary>
public sealed class UserAdministrationService(
    IServiceScopeFactory scopes,
    IAuthorizationService authorization,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Paged<UserRow>> ListAsync(ClaimsPrincipal by, UserQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await authorization.RequireAsync(by, Capabilities.CanManageUsers);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MasqueDbContext>();

        var rows = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim().ToUpperInvariant();
            rows = rows.Where(u => u.NormalizedEmail!.Contains(search));
        }

        if (!string.IsNullOrWhiteSpace(query.Role))
        {
            var roleId = await db.Roles.Where(r => r.Name == query.Role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            rows = rows.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == roleId));
        }

        var total = await rows.CountAsync(cancellationToken);
        rows = (query.SortBy, query.Descending) switch
        {
            (nameof(UserRow.CreatedAtUtc), false) => rows.OrderBy(u => u.CreatedAtUtc),
            (nameof(UserRow.CreatedAtUtc), true) => rows.OrderByDescending(u => u.CreatedAtUtc),
            (nameof(UserRow.LastSignInAtUtc), false) => rows.OrderBy(u => u.LastSignInAtUtc),
            (nameof(UserRow.LastSignInAtUtc), true) => rows.OrderByDescending(u => u.LastSignInAtUtc),
            (_, true) => rows.OrderByDescending(u => u.NormalizedEmail),
            _ => rows.OrderBy(u => u.NormalizedEmail),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = await rows.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToListAsync(cancellationToken);

        var ids = page.Select(u => u.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var items = page.Select(u => new UserRow(
            u.Id,
            u.Email ?? u.UserName ?? u.Id,
            roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal).ToList(),
            u.LockoutEnd is { } end && end > now,
            u.TwoFactorEnabled,
            u.CreatedAtUtc,
            u.LastSignInAtUtc)).ToList();
        return new Paged<UserRow>(items, total);
    }

    public async Task<CreatedUser> CreateAsync(ClaimsPrincipal by, string email, IReadOnlyCollection<string> roles, string? password, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageUsers);
        return await CreateAsync(AuditActor.From(by, clientIp), email, roles, password, cancellationToken);
    }

    /// <summary>Creates a user as <paramref name="actor"/>; the command line and demo seeding call this directly.</summary>
    public async Task<CreatedUser> CreateAsync(AuditActor actor, string email, IReadOnlyCollection<string> roles, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        email = (email ?? "").Trim();
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            throw DomainException.Invalid($"'{email}' is not an email address.");
        }

        var normalizedRoles = NormalizeRoles(roles);
        await using var scope = scopes.CreateAsyncScope();
        var (db, users) = Resolve(scope);
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw DomainException.Conflict($"A user with the email {email} already exists.");
        }

        var generated = password is null ? GeneratePassword() : null;
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            LockoutEnabled = true,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Check(await users.CreateAsync(user, password ?? generated!));
        Check(await users.AddToRolesAsync(user, normalizedRoles));
        await audit.AppendAsync(db, actor, AuditActions.UserCreated, Target(user), new { email, roles = normalizedRoles }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CreatedUser(user.Id, email, generated);
    }

    public async Task SetRolesAsync(ClaimsPrincipal by, string userId, IReadOnlyCollection<string> roles, string? clientIp, CancellationToken cancellationToken = default)
    {
        RefuseSelf(by, userId, "change your own roles");
        var normalized = NormalizeRoles(roles);
        await ChangeUserAsync(by, userId, clientIp, AuditActions.UserRolesChanged, async (users, user) =>
        {
            var current = await users.GetRolesAsync(user);
            Check(await users.RemoveFromRolesAsync(user, current.Except(normalized, StringComparer.Ordinal)));
            Check(await users.AddToRolesAsync(user, normalized.Except(current, StringComparer.Ordinal)));
            // A role change must reach the user's open sessions: the revalidating state provider compares stamps.
            Check(await users.UpdateSecurityStampAsync(user));
            return new { email = user.Email, before = current.Order(StringComparer.Ordinal), after = normalized };
        }, cancellationToken);
    }

    public Task LockAsync(ClaimsPrincipal by, string userId, string? clientIp, CancellationToken cancellationToken = default)
    {
        RefuseSelf(by, userId, "lock your own account");
        return ChangeUserAsync(by, userId, clientIp, AuditActions.UserLocked, async (users, user) =>
        {
            Check(await users.SetLockoutEnabledAsync(user, true));
            Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
            Check(await users.UpdateSecurityStampAsync(user));
            return new { email = user.Email };
        }, cancellationToken);
    }

    public Task UnlockAsync(ClaimsPrincipal by, string userId, string? clientIp, CancellationToken cancellationToken = default) =>
        ChangeUserAsync(by, userId, clientIp, AuditActions.UserUnlocked, async (users, user) =>
        {
            Check(await users.SetLockoutEndDateAsync(user, null));
            Check(await users.ResetAccessFailedCountAsync(user));
            return new { email = user.Email };
        }, cancellationToken);

    /// <summary>For a user who lost their authenticator: turns 2FA off and forgets the key, so they enrol again.</summary>
    public Task ResetTwoFactorAsync(ClaimsPrincipal by, string userId, string? clientIp, CancellationToken cancellationToken = default)
    {
        RefuseSelf(by, userId, "reset your own two-factor authentication here (use your account settings)");
        return ChangeUserAsync(by, userId, clientIp, AuditActions.TwoFactorReset, async (users, user) =>
        {
            Check(await users.SetTwoFactorEnabledAsync(user, false));
            Check(await users.ResetAuthenticatorKeyAsync(user));
            return new { email = user.Email };
        }, cancellationToken);
    }

    /// <summary>
    /// One administrative change to an existing user: authorized, applied through Identity, and audited as
    /// <paramref name="action"/> with the details <paramref name="change"/> returns — all in one transaction.
    /// </summary>
    private async Task ChangeUserAsync(
        ClaimsPrincipal by,
        string userId,
        string? clientIp,
        string action,
        Func<UserManager<ApplicationUser>, ApplicationUser, Task<object>> change,
        CancellationToken cancellationToken)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageUsers);
        await using var scope = scopes.CreateAsyncScope();
        var (db, users) = Resolve(scope);
        var user = await FindAsync(users, userId);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var details = await change(users, user);
        await audit.AppendAsync(db, AuditActor.From(by, clientIp), action, Target(user), details, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static List<string> NormalizeRoles(IReadOnlyCollection<string> roles)
    {
        var normalized = new List<string>();
        foreach (var role in roles)
        {
            var known = Roles.Normalize(role) ?? throw DomainException.Invalid(
                $"'{role}' is not a role. Roles: {string.Join(", ", Roles.All)}.");
            if (!normalized.Contains(known))
            {
                normalized.Add(known);
            }
        }

        if (normalized.Count == 0)
        {
            throw DomainException.Invalid("A user needs at least one role.");
        }

        if (Roles.FindConflict(normalized) is { } conflict)
        {
            throw DomainException.Forbidden(conflict);
        }

        normalized.Sort(StringComparer.Ordinal);
        return normalized;
    }

    private static void RefuseSelf(ClaimsPrincipal by, string userId, string what)
    {
        if (string.Equals(by.FindFirstValue(ClaimTypes.NameIdentifier), userId, StringComparison.Ordinal))
        {
            throw DomainException.Forbidden($"You cannot {what}: another administrator must do it.");
        }
    }

    private static (MasqueDbContext Db, UserManager<ApplicationUser> Users) Resolve(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<MasqueDbContext>(), scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>());

    private static async Task<ApplicationUser> FindAsync(UserManager<ApplicationUser> users, string userId) =>
        await users.FindByIdAsync(userId) ?? throw DomainException.NotFound("No such user.");

    private static string Target(ApplicationUser user) => $"user:{user.Id}";

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw DomainException.Invalid(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>A one-time password that satisfies Identity's default rules (length, digit, cases, symbol).</summary>
    private static string GeneratePassword() =>
        "Mq-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y') + "-7a";
}
