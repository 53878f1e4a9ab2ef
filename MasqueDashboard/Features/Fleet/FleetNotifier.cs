namespace MasqueDashboard.Features.Fleet;

/// <summary>
/// Tells open fleet pages that devices changed, at most once per <see cref="Interval"/>: a busy fleet checks in
/// hundreds of times a second, and a page needs one refresh, not hundreds.
/// </summary>
public sealed class FleetNotifier
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private int scheduled;

    public event Func<Task>? Changed;

    public void Publish()
    {
        if (Changed is null || Interlocked.Exchange(ref scheduled, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(Interval).ConfigureAwait(false);
            Volatile.Write(ref scheduled, 0);
            if (Changed is { } handlers)
            {
                foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
                {
                    try
                    {
                        await handler().ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // a closed page must not stop the others from hearing
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                }
            }
        });
    }
}
