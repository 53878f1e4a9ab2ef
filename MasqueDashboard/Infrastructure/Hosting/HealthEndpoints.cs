using System.Text.Json;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (it can serve: the database answers, Redis when
/// configured, and the job scheduler runs) for load balancers and orchestrators. Anonymous; they name what failed, never
/// a connection string or a host.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";

    public static IHealthChecksBuilder AddMasqueHealthChecks(this IServiceCollection services)
    {
        return services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<RedisHealthCheck>("redis", tags: [Ready])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [Ready]);
    }

    public static void MapHealthEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous().DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous().DisableHttpMetrics();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<MasqueDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{db.Database.ProviderName?.Split('.').LastOrDefault()} answers.")
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}

internal sealed class RedisHealthCheck(ClusterBus bus) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (bus.Redis is not { } redis)
        {
            return HealthCheckResult.Healthy("Not configured: one instance, no backplane.");
        }

        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy("Redis answers.");
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer: live updates and cache notices do not reach the other instances.");
        }
    }
}

internal sealed class SchedulerHealthCheck(Quartz.ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            var status = await scheduler.GetStatus(cancellationToken);
            return status == Quartz.SchedulerStatus.Running
                ? HealthCheckResult.Healthy("Running.")
                : HealthCheckResult.Unhealthy($"The job scheduler is not running ({status}).");
        }
        catch (Quartz.SchedulerException)
        {
            return HealthCheckResult.Unhealthy("The job scheduler is not running.");
        }
    }
}
