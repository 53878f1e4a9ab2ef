using System.Security.Claims;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Audit.Siem;

/// <summary>A sink's state for the SIEM page: its settings (token masked), how far it got and how it is doing.</summary>
public sealed record SinkStatus(SiemSinkSettings Settings, bool FromConfiguration, long Checkpoint, long Head, long Lag, DateTime? LastSuccessAtUtc,
    string? LastError, DateTime? LastErrorAtUtc, int ConsecutiveFailures, long DeadLetters);

/// <summary>The sinks' settings: saved ones first, else the configuration; and the page's reads and writes, authorized and audited.</summary>
public sealed class SiemSettingsStore(IDbContextFactory<MasqueDbContext> contexts, IOptions<SiemOptions> options, IAuthorizationService authorization, IAuditLog audit, TimeProvider time)
{
    public const string Updated = "siem.updated";
    public const string TestEvent = "siem.test";

    public async Task<SiemSinkSettings> GetAsync(string sink, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SiemSinkSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Sink == sink, cancellationToken) ?? FromOptions(sink);
    }

    public static bool IsComplete(SiemSinkSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Sink == SiemSinks.Splunk
            ? Uri.TryCreate(s.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && !string.IsNullOrWhiteSpace(s.Token)
            : !string.IsNullOrWhiteSpace(s.Host) && s.Port is > 0 and <= 65535 && s.Protocol is "tcp" or "udp";
    }

    public async Task<IReadOnlyList<SinkStatus>> StatusAsync(ClaimsPrincipal by, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadSiem);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var saved = await db.SiemSinkSettings.AsNoTracking().ToListAsync(cancellationToken);
        var checkpoints = await db.SiemCheckpoints.AsNoTracking().ToListAsync(cancellationToken);
        return SiemSinks.All.Select(sink =>
        {
            var settings = saved.FirstOrDefault(s => s.Sink == sink);
            var c = checkpoints.FirstOrDefault(x => x.Sink == sink);
            var shown = Mask(settings ?? FromOptions(sink));
            return new SinkStatus(shown, settings is null, c?.LastSequence ?? 0, head, head - (c?.LastSequence ?? 0), c?.LastSuccessAtUtc, c?.LastError, c?.LastErrorAtUtc,
                c?.ConsecutiveFailures ?? 0, c?.DeadLetters ?? 0);
        }).ToList();
    }

    /// <summary>Saves a sink's settings (a blank token keeps the saved one), audited without the token.</summary>
    public async Task SaveAsync(ClaimsPrincipal by, SiemSinkSettings changed, string? clientIp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        await authorization.RequireAsync(by, Capabilities.CanManageSiem);
        if (!SiemSinks.All.Contains(changed.Sink))
        {
            throw DomainException.Invalid("Unknown sink.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.SiemSinkSettings.SingleOrDefaultAsync(s => s.Sink == changed.Sink, cancellationToken);
        var previousToken = row?.Token ?? FromOptions(changed.Sink).Token;
        if (row is null)
        {
            row = new SiemSinkSettings { Sink = changed.Sink };
            db.SiemSinkSettings.Add(row);
        }

        row.Enabled = changed.Enabled;
        row.Url = changed.Url?.Trim();
        row.Token = string.IsNullOrWhiteSpace(changed.Token) ? previousToken : changed.Token.Trim();
        row.Index = changed.Index?.Trim();
        row.SourceType = changed.SourceType?.Trim();
        row.Host = changed.Host?.Trim();
        row.Port = changed.Port;
        row.Protocol = changed.Protocol?.Trim().ToLowerInvariant();
        row.AppName = changed.AppName?.Trim();
        if (row.Enabled && !IsComplete(row))
        {
            throw DomainException.Invalid(row.Sink == SiemSinks.Splunk
                ? "Splunk needs an http(s) URL of the HTTP Event Collector and a token."
                : "Syslog needs a host, a port between 1 and 65535 and the protocol tcp or udp.");
        }

        var actor = AuditActor.From(by, clientIp);
        row.UpdatedBy = actor.Name;
        row.UpdatedAtUtc = time.GetUtcNow().UtcDateTime;
        await audit.AppendAsync(db, actor, Updated, $"siem:{row.Sink}", new
        {
            row.Enabled, row.Url, row.Index, row.SourceType, row.Host, row.Port, row.Protocol, row.AppName, tokenChanged = row.Token != previousToken,
        }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A test event: an audit event like any other, so it travels the same path to every enabled sink.</summary>
    public async Task SendTestEventAsync(ClaimsPrincipal by, string? clientIp, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanManageSiem);
        await audit.RecordAsync(AuditActor.From(by, clientIp), TestEvent, "siem", new { message = "MasqueDashboard SIEM test event" }, cancellationToken);
    }

    private SiemSinkSettings FromOptions(string sink)
    {
        var o = options.Value;
        return sink == SiemSinks.Splunk
            ? new SiemSinkSettings { Sink = sink, Enabled = o.Splunk.Enabled, Url = o.Splunk.Url, Token = o.Splunk.Token, Index = o.Splunk.Index, SourceType = o.Splunk.SourceType }
            : new SiemSinkSettings { Sink = sink, Enabled = o.Syslog.Enabled, Host = o.Syslog.Host, Port = o.Syslog.Port, Protocol = o.Syslog.Protocol, AppName = o.Syslog.AppName };
    }

    private static SiemSinkSettings Mask(SiemSinkSettings s) => new()
    {
        Sink = s.Sink, Enabled = s.Enabled, Url = s.Url, Token = string.IsNullOrEmpty(s.Token) ? "" : "••••" + s.Token[^Math.Min(4, s.Token.Length)..],
        Index = s.Index, SourceType = s.SourceType, Host = s.Host, Port = s.Port, Protocol = s.Protocol, AppName = s.AppName, UpdatedBy = s.UpdatedBy, UpdatedAtUtc = s.UpdatedAtUtc,
    };
}
