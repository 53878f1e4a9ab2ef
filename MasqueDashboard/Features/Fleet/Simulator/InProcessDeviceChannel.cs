using MasqueDashboard.Infrastructure;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>
/// The device contract in this process: each call resolves <see cref="DeviceContractService"/> from a fresh scope and
/// applies the same checks as the endpoints in <see cref="DevicesApi"/> (enrolment secret, unknown token → 401).
/// </summary>
public sealed class InProcessDeviceChannel(IServiceScopeFactory scopes) : IDeviceChannel
{
    public string Mode => "In-process";

    public Uri? Target => null;

    public async Task<EnrollResponse> EnrollAsync(string enrollmentSecret, EnrollRequest request, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var contract = scope.ServiceProvider.GetRequiredService<DeviceContractService>();
        if (!contract.EnrollmentEnabled)
        {
            throw new DeviceChannelException(DeviceChannelFailure.Refused, "Enrolment is off: the server has no Fleet:EnrollmentSecret.");
        }

        if (!contract.IsEnrollmentSecret(enrollmentSecret))
        {
            throw new DeviceChannelException(DeviceChannelFailure.Refused, "The enrolment secret was refused.");
        }

        try
        {
            return await contract.EnrollAsync(request, null, cancellationToken);
        }
        catch (DomainException refusal)
        {
            throw new DeviceChannelException(DeviceChannelFailure.Refused, refusal.Message, refusal);
        }
    }

    public async Task<CheckInResponse> CheckInAsync(string deviceToken, CheckInRequest request, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var contract = scope.ServiceProvider.GetRequiredService<DeviceContractService>();
        try
        {
            return await contract.CheckInAsync(deviceToken, request, cancellationToken)
                ?? throw new DeviceChannelException(DeviceChannelFailure.Unauthorized, "The device token was refused.");
        }
        catch (DomainException refusal)
        {
            throw new DeviceChannelException(DeviceChannelFailure.Refused, refusal.Message, refusal);
        }
    }
}
