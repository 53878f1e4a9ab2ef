namespace MasqueDashboard.Features.Users.ApiTokens;

/// <summary>A personal API token (PRODUCT.md §10). Only its SHA-256 is stored; the secret is shown once.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The first characters of the token, so a user can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? LastUsedAtUtc { get; set; }

    public DateTime? RevokedAtUtc { get; set; }

    /// <summary>When its use was last written to the audit trail: at most once an hour (<c>auth.token.used</c>).</summary>
    public DateTime? LastAuditedAtUtc { get; set; }
}
