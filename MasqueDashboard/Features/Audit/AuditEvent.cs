namespace MasqueDashboard.Features.Audit;

/// <summary>
/// One append-only entry of the audit trail (PRODUCT.md §8). <see cref="Hash"/> chains it to the previous
/// event: SHA-256 over the previous hash and <see cref="AuditChain.CanonicalEncoding"/> of this one.
/// </summary>
public sealed class AuditEvent
{
    public long Sequence { get; set; }

    public DateTime OccurredAtUtc { get; set; }

    public required string Actor { get; set; }

    public string? ActorId { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    /// <summary>JSON object, stored as written so that the chain re-hashes the exact bytes.</summary>
    public string Details { get; set; } = "{}";

    public string? ClientIp { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}
