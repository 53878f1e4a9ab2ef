using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Users;

public sealed class UserAdministrationTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public UserAdministrationTests(MasqueAppFactory app) => this.app = app;

    private UserAdministrationService Service(IServiceProvider services) => services.GetRequiredService<UserAdministrationService>();

    [Theory]
    [InlineData(Roles.SecurityReviewer)]
    [InlineData(Roles.EmmAdmin)]
    public async Task Developer_cannot_also_hold_a_reviewing_or_publishing_role(string other)
    {
        var admin = await app.ForAsync(await app.CreateUserAsync($"admin-{other}@conflict.test", Roles.EmmAdmin));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s =>
            Service(s).CreateAsync(admin, $"dev-{other}@conflict.test", [Roles.Developer, other], MasqueAppFactory.Password, "127.0.0.1")));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Null(await app.WithScopeAsync(s => s.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync($"dev-{other}@conflict.test")));
    }

    [Fact]
    public async Task Changing_an_existing_developer_to_add_a_conflicting_role_is_refused()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@change.test", Roles.EmmAdmin));
        var developer = await app.CreateUserAsync("dev@change.test", Roles.Developer);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(async s =>
        {
            await Service(s).SetRolesAsync(admin, developer, [Roles.Developer, Roles.SecurityReviewer], null);
            return true;
        }));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Equal([Roles.Developer], await RolesOfAsync(developer));
    }

    [Fact]
    public async Task Nobody_changes_their_own_roles()
    {
        var adminId = await app.CreateUserAsync("self@roles.test", Roles.EmmAdmin);
        var admin = await app.ForAsync(adminId);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(async s =>
        {
            await Service(s).SetRolesAsync(admin, adminId, [Roles.EmmAdmin, Roles.Auditor], null);
            return true;
        }));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Equal([Roles.EmmAdmin], await RolesOfAsync(adminId));
    }

    [Fact]
    public async Task A_role_change_is_an_audit_event_with_before_and_after()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@audit-roles.test", Roles.EmmAdmin));
        var target = await app.CreateUserAsync("target@audit-roles.test", Roles.Auditor);

        await app.WithScopeAsync(async s =>
        {
            await Service(s).SetRolesAsync(admin, target, [Roles.SecurityReviewer], "203.0.113.9");
            return true;
        });

        Assert.Equal([Roles.SecurityReviewer], await RolesOfAsync(target));
        var e = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(x => x.Action == AuditActions.UserRolesChanged && x.Target == $"user:{target}"));
        Assert.Equal("admin@audit-roles.test", e.Actor);
        Assert.Equal("203.0.113.9", e.ClientIp);
        using var details = JsonDocument.Parse(e.Details);
        Assert.Equal(Roles.Auditor, details.RootElement.GetProperty("before")[0].GetString());
        Assert.Equal(Roles.SecurityReviewer, details.RootElement.GetProperty("after")[0].GetString());
    }

    [Theory]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.SecurityReviewer)]
    [InlineData(Roles.Auditor)]
    public async Task Only_emm_admins_manage_users(string role)
    {
        var caller = await app.ForAsync(await app.CreateUserAsync($"caller-{role}@manage.test", role));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s =>
            Service(s).CreateAsync(caller, $"new-{role}@manage.test", [Roles.Auditor], null, null)));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public async Task Creating_without_a_password_generates_a_one_time_password_that_signs_in()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@generate.test", Roles.EmmAdmin));

        var created = await app.WithScopeAsync(s => Service(s).CreateAsync(admin, "new@generate.test", [Roles.Auditor], null, null));

        Assert.NotNull(created.GeneratedPassword);
        using var client = await app.SignInAsync("new@generate.test", created.GeneratedPassword);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.UserCreated && e.Target == $"user:{created.Id}")));
    }

    [Fact]
    public async Task Unknown_roles_and_bad_emails_are_refused_with_a_reason()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@invalid.test", Roles.EmmAdmin));

        var role = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s => Service(s).CreateAsync(admin, "x@invalid.test", ["Superuser"], null, null)));
        var email = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s => Service(s).CreateAsync(admin, "not an email", [Roles.Auditor], null, null)));
        var none = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(s => Service(s).CreateAsync(admin, "y@invalid.test", [], null, null)));

        Assert.Contains("Superuser", role.Message, StringComparison.Ordinal);
        Assert.Contains("not an email", email.Message, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.Invalid, none.Kind);
    }

    [Fact]
    public async Task A_locked_account_cannot_sign_in_until_unlocked()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@lock.test", Roles.EmmAdmin));
        var target = await app.CreateUserAsync("target@lock.test", Roles.Auditor);

        await app.WithScopeAsync(async s => { await Service(s).LockAsync(admin, target, null); return true; });
        using var locked = app.CreateNoRedirectClient();
        var refused = await MasqueAppFactory.PostLoginAsync(locked, "target@lock.test", MasqueAppFactory.Password);
        Assert.EndsWith("Account/Lockout", refused.Headers.Location?.ToString(), StringComparison.Ordinal);

        await app.WithScopeAsync(async s => { await Service(s).UnlockAsync(admin, target, null); return true; });
        using var unlocked = await app.SignInAsync("target@lock.test");

        var actions = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == $"user:{target}").Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditActions.UserLocked, actions);
        Assert.Contains(AuditActions.UserUnlocked, actions);
    }

    [Fact]
    public async Task Admins_cannot_lock_themselves_out()
    {
        var adminId = await app.CreateUserAsync("admin@selflock.test", Roles.EmmAdmin);
        var admin = await app.ForAsync(adminId);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(async s => { await Service(s).LockAsync(admin, adminId, null); return true; }));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public async Task Listing_pages_filters_by_role_and_search()
    {
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@list.test", Roles.EmmAdmin));
        for (var i = 0; i < 7; i++)
        {
            await app.CreateUserAsync($"auditor{i}@list.test", Roles.Auditor);
        }

        var page = await app.WithScopeAsync(s => Service(s).ListAsync(admin, new UserQuery("@list.test", Roles.Auditor, Page: 1, PageSize: 5)));

        Assert.Equal(7, page.TotalCount);
        Assert.Equal(2, page.Items.Count);
        Assert.All(page.Items, u => Assert.Equal([Roles.Auditor], u.Roles));
    }

    private Task<IList<string>> RolesOfAsync(string userId) => app.WithScopeAsync(async s =>
    {
        var users = s.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetRolesAsync((await users.FindByIdAsync(userId))!);
    });
}
