using Bunit;
using MasqueDashboard.Components.Layout;
using MasqueDashboard.Infrastructure.Security;

namespace MasqueDashboard.Tests.Components;

public sealed class NavMenuTests : ComponentTestContext
{
    [Fact]
    public void A_developer_sees_only_the_overview_and_their_settings()
    {
        AddAuthorization().SetAuthorized("dev@test").SetRoles(Roles.Developer);

        var nav = Render<NavMenu>();

        Assert.Contains("Overview", nav.Markup, StringComparison.Ordinal);
        Assert.Contains("API tokens", nav.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Audit trail", nav.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Users and roles", nav.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_auditor_sees_the_audit_trail_but_not_user_administration()
    {
        AddAuthorization().SetAuthorized("auditor@test").SetRoles(Roles.Auditor).SetPolicies(Capabilities.CanReadAudit);

        var nav = Render<NavMenu>();

        Assert.Contains("Audit trail", nav.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Users and roles", nav.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_emm_admin_sees_user_administration_and_the_audit_trail()
    {
        AddAuthorization().SetAuthorized("admin@test").SetRoles(Roles.EmmAdmin).SetPolicies(Capabilities.CanReadAudit, Capabilities.CanManageUsers);

        var nav = Render<NavMenu>();

        Assert.Contains("Users and roles", nav.Markup, StringComparison.Ordinal);
        Assert.Contains("Audit trail", nav.Markup, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string?> Links(IRenderedComponent<NavMenu> nav) => nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();

    [Fact]
    public void An_auditor_reads_the_fleet_but_gets_no_simulator()
    {
        AddAuthorization().SetAuthorized("auditor@test").SetRoles(Roles.Auditor).SetPolicies(Capabilities.CanReadFleet);

        var links = Links(Render<NavMenu>());

        Assert.Contains("devices", links);
        Assert.Contains("quarantine", links);
        Assert.Contains("compliance", links);
        Assert.DoesNotContain("fleet/simulator", links);
    }

    [Fact]
    public void An_emm_admin_also_gets_the_simulator()
    {
        AddAuthorization().SetAuthorized("admin@test").SetRoles(Roles.EmmAdmin).SetPolicies(Capabilities.CanReadFleet, Capabilities.CanManageFleet);

        var nav = Render<NavMenu>();

        Assert.Contains("Fleet", nav.Markup, StringComparison.Ordinal);
        Assert.Contains("fleet/simulator", Links(nav));
    }

    [Fact]
    public void Without_the_fleet_capability_there_is_no_fleet_menu()
    {
        AddAuthorization().SetAuthorized("dev@test").SetRoles(Roles.Developer).SetPolicies(Capabilities.CanUploadApps);

        var links = Links(Render<NavMenu>());

        Assert.DoesNotContain("devices", links);
        Assert.DoesNotContain("quarantine", links);
        Assert.DoesNotContain("compliance", links);
        Assert.DoesNotContain("fleet/simulator", links);
    }
}
