using System.Security.Claims;

namespace MasqueDashboard.Features.Audit;

/// <summary>Who did something, as the audit trail names them.</summary>
public sealed record AuditActor(string Name, string? UserId, string? ClientIp)
{
    public static AuditActor System { get; } = new("system", null, null);

    /// <summary>An operator at the server's command line (PRODUCT.md §10).</summary>
    public static AuditActor CommandLine { get; } = new($"cli:{Environment.UserName}", null, null);

    public static AuditActor From(ClaimsPrincipal user, string? clientIp)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Identity?.IsAuthenticated == true
            ? user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name ?? "unknown"
            : "anonymous";
        return new AuditActor(name, user.FindFirstValue(ClaimTypes.NameIdentifier), clientIp);
    }
}
