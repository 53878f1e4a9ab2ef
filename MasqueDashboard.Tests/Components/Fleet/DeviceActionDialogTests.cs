using Bunit;
using MasqueDashboard.Features.Fleet;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MasqueDashboard.Tests.Components.Fleet;

public sealed class DeviceActionDialogTests : ComponentTestContext
{
    private static readonly DeviceAppRow Bank = new("com.example.bank", "Bank", "2.0", "EVILTEAM01", null, "Enterprise", false, [], [], "BANKTEAM01", "Bank");
    private static readonly DeviceAppRow Mail = new("com.example.mail", "Mail", "1.0", "MAILTEAM01", null, "AppStore", true, [], [], null, null);

    private (IRenderedComponent<MudDialogProvider> Dialogs, Task<DeviceActionRequest?> Answer) Show(CommandType action, int devices, string? bundleId = null,
        int confirmAbove = DeviceActionDialog.TypedConfirmationAbove)
    {
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var service = Services.GetRequiredService<IDialogService>();
        var answer = provider.InvokeAsync(() => DeviceActionDialog.AskAsync(service, action, devices, [Bank, Mail], bundleId, confirmAbove));
        provider.WaitForElement("[data-testid=action-confirm]");
        return (provider, answer);
    }

    private static bool ConfirmDisabled(IRenderedComponent<MudDialogProvider> dialogs) => dialogs.Find("[data-testid=action-confirm]").HasAttribute("disabled");

    [Fact]
    public void Up_to_25_devices_a_reason_is_enough()
    {
        var (dialogs, _) = Show(CommandType.BlockNetwork, DeviceActionDialog.TypedConfirmationAbove);

        Assert.True(ConfirmDisabled(dialogs));
        dialogs.Find("textarea").Input("Campaign of impostor apps.");

        Assert.Empty(dialogs.FindAll("input[data-testid=action-typed-count]"));
        Assert.False(ConfirmDisabled(dialogs));
    }

    [Fact]
    public async Task Above_25_devices_the_count_must_be_typed_before_confirming()
    {
        var (dialogs, answer) = Show(CommandType.BlockNetwork, DeviceActionDialog.TypedConfirmationAbove + 1);
        dialogs.Find("textarea").Input("Campaign of impostor apps.");

        Assert.True(ConfirmDisabled(dialogs));
        dialogs.Find("input[data-testid=action-typed-count]").Input("26");
        Assert.False(ConfirmDisabled(dialogs));
        dialogs.Find("[data-testid=action-confirm]").Click();

        var request = await answer;
        Assert.Equal(new DeviceActionRequest("Campaign of impostor apps.", null), request);
    }

    [Fact]
    public void The_typed_confirmation_follows_the_brake_threshold_it_is_given()
    {
        var (dialogs, _) = Show(CommandType.SelectiveWipe, 4, confirmAbove: 3);
        dialogs.Find("textarea").Input("Campaign of impostor apps.");

        Assert.True(ConfirmDisabled(dialogs));
        dialogs.Find("input[data-testid=action-typed-count]").Input("4");
        Assert.False(ConfirmDisabled(dialogs));
    }

    [Fact]
    public async Task Removing_an_app_needs_the_app_and_answers_its_bundle_id()
    {
        var (dialogs, answer) = Show(CommandType.RemoveApp, 1, bundleId: Bank.BundleId);
        dialogs.Find("textarea").Input("Impostor of the bank app.");
        dialogs.Find("[data-testid=action-confirm]").Click();

        Assert.Equal(new DeviceActionRequest("Impostor of the bank app.", Bank.BundleId), await answer);
    }

    [Fact]
    public void Removing_an_app_cannot_be_confirmed_before_one_is_chosen()
    {
        var (dialogs, _) = Show(CommandType.RemoveApp, 1);
        dialogs.Find("textarea").Input("Impostor of the bank app.");

        Assert.True(ConfirmDisabled(dialogs));
    }

    [Fact]
    public async Task Cancelling_answers_nothing()
    {
        var (dialogs, answer) = Show(CommandType.SelectiveWipe, 3);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Null(await answer);
    }
}
