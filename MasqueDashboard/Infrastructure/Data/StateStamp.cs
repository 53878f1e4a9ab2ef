namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// A stamp that changes, in the same transaction, whenever a kind of shared state changes: an instance that cached the
/// state compares stamps before it uses its copy, so a change made on one instance is seen by every other instance on
/// its very next use (PRODUCT.md §11). A fresh GUID rather than a counter: nothing is read before it is written.
/// </summary>
public sealed class StateStamp
{
    /// <summary>What the fleet's evaluation reads: catalog, signers, revocations, known-bad hashes, policies.</summary>
    public const string Fleet = "fleet";

    public required string Name { get; set; }

    public Guid Stamp { get; set; }
}
