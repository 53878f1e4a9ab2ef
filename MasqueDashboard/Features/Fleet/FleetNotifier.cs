using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Features.Fleet;

/// <summary>
/// Tells open fleet pages that devices changed, at most once per <see cref="Interval"/>: a busy fleet checks in
/// hundreds of times a second, and a page needs one refresh, not hundreds. Other instances hear of it through the
/// <see cref="ClusterBus"/> (at most one notice per interval from each instance).
/// </summary>
public sealed class FleetNotifier
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const string Kind = "fleet";
    private readonly ClusterBus bus;
    private int scheduled;
    private long lastSentTicks;

    public FleetNotifier(ClusterBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        this.bus = bus;
        bus.Subscribe(Kind, _ => Schedule());
    }

    public event Func<Task>? Changed;

    public void Publish()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastSentTicks);
        if (now - last >= Interval.TotalMilliseconds && Interlocked.CompareExchange(ref lastSentTicks, now, last) == last)
        {
            bus.Publish(Kind, "");
        }

        Schedule();
    }

    private void Schedule()
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
