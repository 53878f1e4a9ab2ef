using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Siem;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Infrastructure.Data;
using Quartz;

namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>
/// The periodic background work — escalation ladders and approval expiry, SIEM forwarding, check-in and audit retention —
/// on Quartz.NET (PRODUCT.md §11). On PostgreSQL the job store is Quartz's clustered ADO store in the product's own
/// database (its tables come with the migrations), so with several instances each run happens on exactly one of them
/// and a dead instance's work is taken up by another; on SQLite, one instance, the store is in memory. Every job is
/// <see cref="DisallowConcurrentExecutionAttribute">non-concurrent</see> across the cluster.
/// </summary>
public static class Scheduling
{
    /// <summary>Quartz's name for the product's scheduler: instances with the same name form one cluster.</summary>
    public const string SchedulerName = "MasqueDashboard";

    public static void AddMasqueJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var fleet = configuration.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions();
        var fleetRetention = configuration.GetSection(FleetRetentionOptions.Section).Get<FleetRetentionOptions>() ?? new FleetRetentionOptions();
        var audit = configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions();
        var siem = configuration.GetSection(SiemOptions.Section).Get<SiemOptions>() ?? new SiemOptions();

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                s.GenerateInstanceId = true; // unique in the cluster: host name and start time
            });
            q.UseDefaultThreadPool(4);
            if (database.IsPostgres)
            {
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(postgres => postgres.ConnectionString = configuration.GetConnectionString(DatabaseOptions.Postgres));
                    store.ProvisionSchema(); // Quartz creates its own tables (qrtz_*) in the product's database when missing
                    store.UseSystemTextJsonSerializer(_ => { });
                    // An instance that stops checking in for this long is dead: its running jobs are recovered elsewhere.
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                });
            }
            else
            {
                q.UseInMemoryStore(_ => { });
            }

            Every<EscalationJob>(q, fleet.EscalationInterval);
            Every<SiemForwardingJob>(q, siem.PollInterval);
            Every<FleetRetentionJob>(q, fleetRetention.Interval);
            if (audit.Retention.Days > 0)
            {
                Every<AuditRetentionJob>(q, audit.Retention.Interval);
            }
        });
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
    }

    public static JobKey KeyOf<TJob>()
        where TJob : IJob => new(typeof(TJob).Name);

    private static void Every<TJob>(IQuartzBuilder q, TimeSpan interval)
        where TJob : IJob
    {
        var key = KeyOf<TJob>();
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery());
        q.AddTrigger<TJob>(t => t.ForJob(key).WithIdentity(key.Name)
            .StartAt(DateTimeOffset.UtcNow + (interval < TimeSpan.FromMinutes(1) ? interval : TimeSpan.FromMinutes(1)))
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }
}

/// <summary>Escalation ladders that came due, overdue check-ins, and approvals nobody decided on (<see cref="EscalationWorker"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class EscalationJob(EscalationWorker worker) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await worker.RunAsync(cancellationToken);
}

/// <summary>Forwards the audit trail to the enabled SIEM sinks until they caught up (<see cref="SiemForwarder"/>).</summary>
[DisallowConcurrentExecution]
public sealed class SiemForwardingJob(SiemForwarder forwarder) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await forwarder.RunAsync(cancellationToken);
}

/// <summary>Check-ins past <c>Fleet:Retention:CheckIns</c> (<see cref="FleetRetention"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class FleetRetentionJob(FleetRetention retention) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await retention.RunAsync(cancellationToken);
}

/// <summary>Audit events past <c>Audit:Retention:Days</c> that every SIEM sink accepted (<see cref="AuditRetention"/>).</summary>
[DisallowConcurrentExecution]
internal sealed class AuditRetentionJob(AuditRetention retention) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await retention.RunAsync(cancellationToken);
}
