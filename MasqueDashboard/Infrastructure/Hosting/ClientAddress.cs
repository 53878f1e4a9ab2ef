namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>
/// The browser's address for audit events raised from interactive pages. Read once when the circuit's
/// scope is created, while the connection's HTTP request is still at hand.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor accessor)
{
    public string? Ip { get; } = accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
