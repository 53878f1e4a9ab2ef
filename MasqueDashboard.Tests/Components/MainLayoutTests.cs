using Bunit;
using MasqueDashboard.Components.Layout;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace MasqueDashboard.Tests.Components;

public sealed class MainLayoutTests : ComponentTestContext
{
    private IRenderedComponent<MainLayout> RenderLayout(bool demo)
    {
        Services.AddSingleton(Options.Create(new DemoOptions { Seed = demo }));
        AddAuthorization().SetAuthorized("admin@test").SetRoles(Roles.EmmAdmin);
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Render<MainLayout>();
    }

    [Fact]
    public void The_layout_hosts_the_mud_providers_once()
    {
        var layout = RenderLayout(demo: false);

        Assert.Single(layout.FindComponents<MudPopoverProvider>());
        Assert.Single(layout.FindComponents<MudDialogProvider>());
        Assert.Single(layout.FindComponents<MudSnackbarProvider>());
        Assert.Single(layout.FindComponents<MudThemeProvider>());
    }

    [Fact]
    public void The_demo_banner_shows_only_when_demo_data_is_seeded()
    {
        Assert.Single(RenderLayout(demo: true).FindAll("[data-testid=demo-banner]"));
    }

    [Fact]
    public void No_demo_banner_without_demo_data()
    {
        Assert.Empty(RenderLayout(demo: false).FindAll("[data-testid=demo-banner]"));
    }

    [Fact]
    public void The_app_bar_shows_the_signed_in_user_and_role()
    {
        var layout = RenderLayout(demo: false);

        Assert.Contains("admin@test", layout.Find("[data-testid=user-email]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Roles.EmmAdmin, layout.Find("[data-testid=user-roles]").TextContent, StringComparison.Ordinal);
    }
}
