using System.Security.Claims;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>The simulator as people use it: its status, and scenarios an EMM administrator triggers (audited).</summary>
public sealed class SimulatorService(FleetSimulator simulator, IAuthorizationService authorization, IAuditLog audit)
{
    private const int MaxAuditedDeviceIds = 100;

    public async Task<SimulatorStatus> GetStatusAsync(ClaimsPrincipal by)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadFleet);
        return simulator.Status;
    }

    /// <summary>Runs <paramref name="scenario"/> on up to <paramref name="count"/> simulated devices; the trigger is an audit event, whatever its outcome.</summary>
    public async Task<ScenarioResult> TriggerAsync(ClaimsPrincipal by, Scenario scenario, int count, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await authorization.RequireAsync(by, Capabilities.CanManageFleet);
        var actor = AuditActor.From(by, clientIp);
        var target = $"simulator:{scenario}";
        ScenarioResult result;
        try
        {
            result = await simulator.TriggerAsync(scenario, count, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.RecordAsync(actor, FleetActions.ScenarioTriggered, target,
                new { scenario = scenario.ToString(), requested = count, failed = e.Message }, CancellationToken.None);
            throw;
        }

        await audit.RecordAsync(actor, FleetActions.ScenarioTriggered, target, new
        {
            scenario = scenario.ToString(),
            requested = count,
            devices = result.DeviceIds.Count,
            deviceIds = result.DeviceIds.Take(MaxAuditedDeviceIds).ToList(),
            result.RuleIds,
            result.Quarantined,
            result.NonCompliant,
            result.Summary,
        }, CancellationToken.None);
        return result;
    }
}
