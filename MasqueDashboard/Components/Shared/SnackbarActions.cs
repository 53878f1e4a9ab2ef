using MasqueDashboard.Infrastructure;
using MudBlazor;

namespace MasqueDashboard.Components.Shared;

public static class SnackbarActions
{
    /// <summary>
    /// Runs a page action against a feature service: says <paramref name="done"/> when it succeeds, and shows the
    /// service's refusal (a rule, a missing capability, bad input) when it does not. Returns whether it succeeded.
    /// </summary>
    public static async Task<bool> TryAsync(this ISnackbar snackbar, Func<Task> action, string done)
    {
        ArgumentNullException.ThrowIfNull(snackbar);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
            snackbar.Add(done, Severity.Success);
            return true;
        }
        catch (DomainException refusal)
        {
            snackbar.Add(refusal.Message, Severity.Error);
            return false;
        }
    }
}
