using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Infrastructure.Data;

namespace MasqueDashboard.Features.Compliance;

/// <summary>
/// PRODUCT.md §5: revoking a certificate makes every device carrying an app it signed non-compliant with
/// <c>RemoveApp</c> queued — inside the revocation's own transaction, so both commit or neither does.
/// </summary>
public sealed class FleetRevocationListener(FleetCache cache, FleetReevaluation fleet, IAuditLog audit, Fleet.FleetNotifier notifier) : ICertificateRevocationListener
{
    public async Task OnRevokedAsync(MasqueDbContext db, CertificateRevoked revoked, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(revoked);
        var devices = await FleetReevaluation.AffectedDevicesAsync(db, CatalogChange.ForCertificate(revoked.Sha1), cancellationToken);
        if (devices.Count == 0)
        {
            return;
        }

        var state = await cache.GetAsync(cancellationToken);
        var (evaluated, changed) = await fleet.EvaluateInTransactionAsync(db, devices, state.WithSnapshot(state.Snapshot.WithRevoked(revoked.Sha1)), cancellationToken);
        await audit.AppendAsync(db, actor, FleetActions.Reevaluated, $"certificate:{revoked.Sha1}",
            new { reason = "certificate revoked", devices = evaluated, changed }, cancellationToken);
        if (changed > 0)
        {
            // Open pages and badges (a batch the brake held, quarantined devices) refresh: the notifier waits its
            // interval before telling them, by which time the revocation's transaction has committed.
            notifier.Publish();
        }
    }
}
