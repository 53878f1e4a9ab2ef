using System.Security.Claims;
using Bunit;
using MasqueDashboard.Components.Shared;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Infrastructure.Hosting;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MasqueDashboard.Tests.Components;

public sealed class PageComponentTests : ComponentTestContext, IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public PageComponentTests(MasqueAppFactory app) => this.app = app;

    [Fact]
    public void Page_header_links_back_to_the_overview_and_ends_with_the_page()
    {
        var header = Render<PageHeader>(p => p.Add(c => c.Title, "Users and roles"));

        Assert.Equal("Users and roles", header.Find("#page-title").TextContent);
        var crumbs = header.FindAll(".mud-breadcrumb-item");
        Assert.Equal(["Overview", "Users and roles"], crumbs.Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public void Stat_card_is_a_link_only_when_given_an_address()
    {
        var plain = Render<StatCard>(p => p.Add(c => c.Title, "Events").Add(c => c.Value, "12"));
        var linked = Render<StatCard>(p => p.Add(c => c.Title, "Events").Add(c => c.Value, "12").Add(c => c.Href, "audit/trail"));

        Assert.Empty(plain.FindAll("a"));
        Assert.Equal("audit/trail", linked.Find("a").GetAttribute("href"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Confirm_dialog_answers_what_the_user_clicked(bool confirm)
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();

        var answer = provider.InvokeAsync(() => ConfirmDialog.AskAsync(dialogs, "Lock account", "They will be signed out.", "Lock account", destructive: true));
        provider.WaitForElement("[data-testid=confirm]");
        if (confirm)
        {
            provider.Find("[data-testid=confirm]").Click();
        }
        else
        {
            provider.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();
        }

        Assert.Equal(confirm, await answer);
    }

    [Fact]
    public void Audit_event_detail_shows_the_hashes_and_pretty_details()
    {
        var e = new AuditEvent
        {
            Sequence = 7, Actor = "a@test", Action = "user.created", Details = "{\"email\":\"é@test\"}",
            PreviousHash = new string('1', 64), Hash = new string('2', 64), OccurredAtUtc = DateTime.UtcNow,
        };
        var detail = Render<MasqueDashboard.Features.Audit.AuditEventDetail>(p => p.Add(c => c.Event, e));

        Assert.Equal(new string('2', 64), detail.Find("[data-testid=event-hash]").TextContent);
        Assert.Contains(new string('1', 64), detail.Markup, StringComparison.Ordinal);
        Assert.Contains("\"email\": \"é@test\"", detail.Find("[data-testid=event-details]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_page_shows_a_new_token_once_and_lists_it_without_the_secret()
    {
        var userId = await app.CreateUserAsync("tokens-page@bunit.test", Roles.Developer);
        Services.AddSingleton(app.App.GetRequiredService<ApiTokenService>());
        Services.AddScoped(_ => new ClientAddress(new HttpContextAccessor()));
        AddAuthorization().SetAuthorized("tokens-page@bunit.test").SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        Render<MudPopoverProvider>();

        var page = Render<TokensPage>();
        page.WaitForElement("[data-testid=empty-state]");
        page.Find("input[data-testid=token-name]").Input("pipeline");
        page.Find("form").Submit();

        var secret = page.WaitForElement("[data-testid=issued-token]").TextContent;
        Assert.StartsWith("mdt_", secret, StringComparison.Ordinal);
        var table = page.WaitForElement("[data-testid=tokens-table]");
        Assert.Contains("pipeline", table.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.TextContent, StringComparison.Ordinal);
    }
}
