using MasqueDashboard.Features.Apps;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Support;

/// <summary>Drives submissions through the running app and waits for the scan worker instead of racing it.</summary>
public static class Workflow
{
    public static async Task<Guid> UploadAndScanAsync(this MasqueAppFactory app, string userId, byte[] package, string fileName = "App.ipa")
    {
        ArgumentNullException.ThrowIfNull(app);
        var user = await app.ForAsync(userId);
        Guid id = default;
        await app.AfterScanAsync(async () =>
            id = (await app.WithScopeAsync(s => s.GetRequiredService<SubmissionService>().UploadAsync(user, fileName, new MemoryStream(package), "127.0.0.1"))).Id);
        return id;
    }

    /// <summary>Runs <paramref name="trigger"/> and waits until every scan it queued has finished.</summary>
    public static async Task AfterScanAsync(this MasqueAppFactory app, Func<Task> trigger, int scans = 1)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(trigger);
        var remaining = scans;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var notifier = app.App.GetRequiredService<SubmissionNotifier>();
        Task OnChanged(SubmissionChanged c)
        {
            if (c.Status is not (SubmissionStatus.Queued or SubmissionStatus.Scanning) && Interlocked.Decrement(ref remaining) <= 0)
            {
                finished.TrySetResult();
            }

            return Task.CompletedTask;
        }

        notifier.Changed += OnChanged;
        try
        {
            await trigger();
            if (scans > 0)
            {
                await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            notifier.Changed -= OnChanged;
        }
    }
}
