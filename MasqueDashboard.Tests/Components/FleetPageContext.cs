using System.Security.Claims;
using Bunit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Hosting;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MasqueDashboard.Tests.Components;

/// <summary>
/// bUnit over the real fleet services of a fresh app (its own SQLite file per test): pages call the services that
/// enforce the rules, and the signed-in test user holds the capabilities of one role, in the page and in the service.
/// </summary>
public abstract class FleetPageContext : ComponentTestContext
{
    /// <summary>How long to wait for a page to render what the database gave it: a loaded machine is slow, not wrong.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly AsyncServiceScope scope;

    protected FleetPageContext()
    {
        scope = App.App.CreateAsyncScope();
        Services.AddSingleton(App.App.GetRequiredService<FleetNotifier>());
        Services.AddSingleton(App.App.GetRequiredService<MasqueDashboard.Features.Audit.Logins.LoginAlertNotifier>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<FleetService>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<PolicyService>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<MasqueDashboard.Features.Fleet.Evidence.DeviceEvidenceService>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<HeldBatchService>());
        Services.AddSingleton(App.App.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>());
        Services.AddSingleton<TimeProvider>(App.Time);
        Services.AddScoped(_ => new ClientAddress(new HttpContextAccessor()));
    }

    protected MasqueAppFactory App { get; } = new();

    /// <summary>Makes one more of the app's own services available to the page under test.</summary>
    protected void AddAppService<T>()
        where T : class => Services.AddSingleton(scope.ServiceProvider.GetRequiredService<T>());

    protected ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    /// <summary>Creates a user in the role and signs the test in as them; returns the user's id.</summary>
    protected async Task<string> SignInAsAsync(string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@fleet.test";
        var id = await App.CreateUserAsync(email, role);
        AddAuthorization()
            .SetAuthorized(email)
            .SetRoles(role)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Email, email))
            .SetPolicies(Capabilities.Definitions.Where(d => d.Roles.Contains(role)).Select(d => d.Name).ToArray());
        return id;
    }

    /// <summary>Renders the providers the page's selects, menus, dialogs and snackbars need.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<MudDialogProvider>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            scope.Dispose();
            App.Dispose();
        }
    }
}
