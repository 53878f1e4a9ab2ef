namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>
/// How a simulated device reaches the device contract of PRODUCT.md §6: in this process (<see cref="InProcessDeviceChannel"/>)
/// or over HTTP to another instance (<see cref="HttpDeviceChannel"/>). Both send the contract's own request bodies.
/// </summary>
public interface IDeviceChannel
{
    /// <summary>"In-process" or "HTTP".</summary>
    string Mode { get; }

    /// <summary>The instance checked in with, for HTTP; null in-process.</summary>
    Uri? Target { get; }

    /// <summary><c>POST /api/v1/devices/enroll</c> with <c>X-Enrollment-Secret</c>.</summary>
    /// <exception cref="DeviceChannelException">The server refused, or could not be reached.</exception>
    Task<EnrollResponse> EnrollAsync(string enrollmentSecret, EnrollRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/devices/checkin</c> with <c>Authorization: Bearer</c> the device token.</summary>
    /// <exception cref="DeviceChannelException">The server refused (<see cref="DeviceChannelFailure.Unauthorized"/>: the token is no longer valid), or could not be reached.</exception>
    Task<CheckInResponse> CheckInAsync(string deviceToken, CheckInRequest request, CancellationToken cancellationToken = default);
}

public enum DeviceChannelFailure
{
    /// <summary>The device token is unknown (rotated by a re-enrolment, or the fleet was reset): enrol again.</summary>
    Unauthorized,

    /// <summary>The server refused the request (bad body, wrong or missing enrolment secret).</summary>
    Refused,

    /// <summary>The server could not be reached or failed.</summary>
    Unavailable,
}

/// <summary>A device conversation that did not succeed, in words for the simulator page and the log.</summary>
public sealed class DeviceChannelException : Exception
{
    public DeviceChannelException(DeviceChannelFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public DeviceChannelException()
    {
    }

    public DeviceChannelException(string message)
        : base(message)
    {
    }

    public DeviceChannelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeviceChannelFailure Failure { get; } = DeviceChannelFailure.Unavailable;
}
