using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MasqueDashboard.Components.Shared;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure.Security;

namespace MasqueDashboard.Tests.Components;

public sealed class SharedComponentTests : ComponentTestContext
{
    private static ClaimsPrincipal User(string role, bool twoFactor)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "someone@test"), new(ClaimTypes.Role, role) };
        if (twoFactor)
        {
            claims.Add(new Claim(TwoFactorEnrolledRequirement.ClaimType, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    [Fact]
    public void Forbidden_sends_a_privileged_user_without_two_factor_to_enrol()
    {
        var page = Render<Forbidden>(p => p.Add(c => c.User, User(Roles.EmmAdmin, twoFactor: false)));

        Assert.Contains("Account/Manage/TwoFactorAuthentication", page.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Developer, false)]
    [InlineData(Roles.EmmAdmin, true)]
    public void Forbidden_explains_a_missing_role_otherwise(string role, bool twoFactor)
    {
        var page = Render<Forbidden>(p => p.Add(c => c.User, User(role, twoFactor)));

        Assert.DoesNotContain("TwoFactorAuthentication", page.Markup, StringComparison.Ordinal);
        Assert.Contains(role, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Role_checklist_warns_of_a_conflicting_combination()
    {
        IReadOnlyList<string> selected = [Roles.Developer];
        var list = Render<RoleChecklist>(p => p
            .Add(c => c.Selected, selected)
            .Add(c => c.SelectedChanged, value => selected = value));
        Assert.Empty(list.FindAll("[data-testid=role-conflict]"));

        list.FindAll("input[type=checkbox]")[Roles.All.ToList().IndexOf(Roles.EmmAdmin)].Change(true);

        Assert.Equal([Roles.Developer, Roles.EmmAdmin], selected);
        list.Render(p => p.Add(c => c.Selected, selected));
        Assert.Contains("cannot be held together", list.Find("[data-testid=role-conflict]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_create_user_dialog_will_not_submit_a_conflicting_role_set()
    {
        var provider = Render<MudBlazor.MudDialogProvider>();
        var dialogs = Services.GetRequiredService<MudBlazor.IDialogService>();
        provider.InvokeAsync(() => dialogs.ShowAsync<CreateUserDialog>("Add user"));
        provider.WaitForElement("[data-testid=create-user]");

        var boxes = provider.FindAll("input[type=checkbox]");
        boxes[Roles.All.ToList().IndexOf(Roles.Developer)].Change(true);
        provider.FindAll("input[type=checkbox]")[Roles.All.ToList().IndexOf(Roles.EmmAdmin)].Change(true);

        Assert.NotNull(provider.Find("[data-testid=role-conflict]"));
        Assert.True(provider.Find("[data-testid=create-user]").HasAttribute("disabled"));
    }

    [Fact]
    public void Empty_state_shows_its_title_and_hint()
    {
        var empty = Render<EmptyState>(p => p.Add(c => c.Title, "No tokens yet").AddChildContent("Create one above."));

        Assert.Contains("No tokens yet", empty.Markup, StringComparison.Ordinal);
        Assert.Contains("Create one above.", empty.Markup, StringComparison.Ordinal);
    }
}
