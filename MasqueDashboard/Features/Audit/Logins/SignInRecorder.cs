using System.Globalization;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Audit.Logins;

/// <summary>
/// Writes console sign-in events to the audit trail and, in the same transaction, runs the login detections of
/// PRODUCT.md §8 over the trail, raising <see cref="LoginAlert"/>s.
/// </summary>
public sealed class SignInRecorder(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, IOptions<LoginAuditOptions> options, LoginAlertNotifier notifier, TimeProvider time)
{
    public const int AccountFailureThreshold = 5;
    public const int IpFailureThreshold = 20;
    public static readonly TimeSpan BruteForceWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DormantAfter = TimeSpan.FromDays(60);

    /// <summary>Records a failed sign-in (<paramref name="target"/> is <c>user:id</c> or <c>email:address</c>) and looks for a brute-force burst.</summary>
    public async Task<AuditEvent> RecordFailureAsync(AuditActor actor, string target, string reason, string? userAgent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var e = await audit.AppendAsync(db, actor, AuditActions.LoginFailed, target, new { reason, userAgent }, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - BruteForceWindow;
        var alerts = new List<LoginAlert>();

        // The event just appended is not saved yet, hence the + 1.
        var forAccount = await db.AuditEvents.CountAsync(x => x.Action == AuditActions.LoginFailed && x.Target == target && x.OccurredAtUtc >= since, cancellationToken) + 1;
        if (forAccount >= AccountFailureThreshold)
        {
            await RaiseBurstAsync(db, alerts, LoginAlertKind.BruteForceAccount, actor.Name, forAccount,
                $"{forAccount} failed sign-ins for {actor.Name} within {BruteForceWindow.TotalMinutes:0} minutes (last: {reason}, from {actor.ClientIp ?? "an unknown address"}).", now, cancellationToken);
        }

        var burstFromIp = false;
        if (actor.ClientIp is { } ip)
        {
            var fromIp = await db.AuditEvents.CountAsync(x => x.Action == AuditActions.LoginFailed && x.ClientIp == ip && x.OccurredAtUtc >= since, cancellationToken) + 1;
            burstFromIp = fromIp >= IpFailureThreshold;
            if (burstFromIp)
            {
                await RaiseBurstAsync(db, alerts, LoginAlertKind.BruteForceIp, ip, fromIp,
                    $"{fromIp} failed sign-ins from {ip} within {BruteForceWindow.TotalMinutes:0} minutes (last for {actor.Name}).", now, cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await PublishAsync(alerts, extended: forAccount >= AccountFailureThreshold || burstFromIp);
        return e;
    }

    /// <summary>
    /// Records a successful sign-in and looks for a new address, a privileged sign-in outside business hours
    /// and a dormant account.
    /// </summary>
    /// <param name="previousSignInAtUtc">The user's last sign-in before this one (null for their first).</param>
    public async Task<AuditEvent> RecordSuccessAsync(AuditActor actor, IReadOnlyCollection<string> roles, DateTime? previousSignInAtUtc, string method, string? userAgent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        var userId = actor.UserId ?? throw new ArgumentException("A successful sign-in names its user.", nameof(actor));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var utc = now.UtcDateTime;
        var alerts = new List<LoginAlert>();

        if (actor.ClientIp is { } ip)
        {
            var earlier = db.AuditEvents.Where(x => x.Action == AuditActions.LoginSucceeded && x.ActorId == userId);
            if (await earlier.AnyAsync(cancellationToken) && !await earlier.AnyAsync(x => x.ClientIp == ip, cancellationToken))
            {
                var known = await earlier.Where(x => x.ClientIp != null).Select(x => x.ClientIp!).Distinct().OrderBy(x => x).Take(5).ToListAsync(cancellationToken);
                await RaiseAsync(db, alerts, LoginAlertKind.NewIp, LoginAlertSeverity.Low, actor.Name,
                    $"First sign-in from {ip}; earlier sign-ins came from {(known.Count == 0 ? "no recorded address" : string.Join(", ", known))}.", utc, cancellationToken);
            }
        }

        var hours = options.Value.BusinessHours;
        var privileged = roles.Where(r => r is Roles.EmmAdmin or Roles.SecurityReviewer).ToList();
        if (privileged.Count > 0 && !hours.Contains(now))
        {
            var local = TimeZoneInfo.ConvertTime(now, hours.FindTimeZone() ?? TimeZoneInfo.Utc);
            await RaiseAsync(db, alerts, LoginAlertKind.OffHoursPrivileged, LoginAlertSeverity.Medium, actor.Name,
                string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", privileged)} signed in at {local:ddd yyyy-MM-dd HH:mm} ({hours.TimeZone}), outside business hours {hours}."), utc, cancellationToken);
        }

        if (previousSignInAtUtc is { } previous && utc - previous >= DormantAfter)
        {
            await RaiseAsync(db, alerts, LoginAlertKind.Dormant, LoginAlertSeverity.Medium, actor.Name,
                string.Create(CultureInfo.InvariantCulture, $"First sign-in for {(int)(utc - previous).TotalDays} days (previous: {previous:yyyy-MM-dd HH:mm} UTC)."), utc, cancellationToken);
        }

        var e = await audit.AppendAsync(db, actor, AuditActions.LoginSucceeded, $"user:{userId}", new { method, userAgent }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await PublishAsync(alerts);
        return e;
    }

    /// <summary>Tells open pages, once committed, of the alerts raised (an open burst alert that grew refreshes them too).</summary>
    private Task PublishAsync(List<LoginAlert> alerts, bool extended = false) =>
        alerts.Count == 0 && !extended ? Task.CompletedTask : notifier.PublishAsync(new LoginAlertsChanged([.. alerts]));

    private async Task RaiseBurstAsync(MasqueDbContext db, List<LoginAlert> alerts, LoginAlertKind kind, string subject, int count, string evidence, DateTime now, CancellationToken cancellationToken)
    {
        // One alert per burst: failures that keep coming within the window extend the open alert already raised.
        // Once someone acknowledged it, a burst that goes on is news again and raises a new one.
        var since = now - BruteForceWindow;
        var ongoing = await db.LoginAlerts
            .Where(a => a.Kind == kind && a.Subject == subject && a.LastSeenAtUtc >= since && a.AcknowledgedAtUtc == null)
            .OrderByDescending(a => a.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (ongoing is null)
        {
            (await RaiseAsync(db, alerts, kind, LoginAlertSeverity.High, subject, evidence, now, cancellationToken)).EventCount = count;
            return;
        }

        ongoing.LastSeenAtUtc = now;
        ongoing.EventCount = Math.Max(ongoing.EventCount + 1, count);
        ongoing.Evidence = evidence;
    }

    /// <summary>Adds an alert and its <c>alert.raised</c> audit event (so the SIEM hears of it) in the caller's transaction.</summary>
    private async Task<LoginAlert> RaiseAsync(MasqueDbContext db, List<LoginAlert> alerts, LoginAlertKind kind, LoginAlertSeverity severity, string subject, string evidence, DateTime now, CancellationToken cancellationToken)
    {
        var alert = new LoginAlert
        {
            Kind = kind,
            Severity = severity,
            Subject = subject.Length > 256 ? subject[..256] : subject,
            Evidence = evidence.Length > 1000 ? evidence[..1000] : evidence,
            RaisedAtUtc = now,
            LastSeenAtUtc = now,
        };
        db.LoginAlerts.Add(alert);
        alerts.Add(alert);
        await audit.AppendAsync(db, AuditActor.System, AuditActions.AlertRaised, $"alert:{kind}",
            new { kind = kind.ToString(), severity = severity.ToString(), subject = alert.Subject, evidence = alert.Evidence }, cancellationToken);
        return alert;
    }
}
