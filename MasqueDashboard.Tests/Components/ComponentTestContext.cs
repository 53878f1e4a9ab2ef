using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace MasqueDashboard.Tests.Components;

/// <summary>bUnit with MudBlazor's services, loose JS interop, and a popover provider so menus and selects render.</summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    protected ComponentTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously; xUnit 2 calls this before Dispose.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
