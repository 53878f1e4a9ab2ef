using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Users.ApiTokens;

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, DateTime CreatedAtUtc, DateTime? LastUsedAtUtc, DateTime? RevokedAtUtc)
{
    public bool IsActive => RevokedAtUtc is null;
}

/// <param name="Token">The secret: shown to its owner once, never stored.</param>
public sealed record IssuedApiToken(Guid Id, string Name, string Token);

/// <summary>Issues, lists, revokes and resolves personal API tokens. Each user manages only their own.</summary>
public sealed class ApiTokenService(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, TimeProvider time)
{
    public const string TokenPrefix = "mdt_";
    public const int MaxTokensPerUser = 50;

    /// <summary>Used-at is written at most this often, so a busy script does not turn every call into a write.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>A token's use is audited at most once per this period (PRODUCT.md §8).</summary>
    public static readonly TimeSpan UseAuditResolution = TimeSpan.FromHours(1);

    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(ClaimsPrincipal owner, CancellationToken cancellationToken = default)
    {
        var userId = RequireUserId(owner);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAtUtc)
            .Select(t => new ApiTokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAtUtc, t.LastUsedAtUtc, t.RevokedAtUtc))
            .ToListAsync(cancellationToken);
    }

    public Task<IssuedApiToken> IssueAsync(ClaimsPrincipal owner, string name, string? clientIp, CancellationToken cancellationToken = default) =>
        IssueAsync(RequireUserId(owner), name, AuditActor.From(owner, clientIp), cancellationToken);

    /// <summary>Issues a token for <paramref name="userId"/>; the command line calls this with its own actor.</summary>
    public async Task<IssuedApiToken> IssueAsync(string userId, string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            throw DomainException.Invalid("A token needs a name of 1 to 100 characters.");
        }

        var token = TokenPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var active = await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAtUtc == null, cancellationToken);
        if (active >= MaxTokensPerUser)
        {
            throw DomainException.Invalid($"You already have {MaxTokensPerUser} active tokens: revoke one first.");
        }

        var entity = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            TokenHash = Hash(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.ApiTokens.Add(entity);
        await audit.AppendAsync(db, actor, AuditActions.TokenIssued, $"user:{userId}", new { tokenId = entity.Id, entity.Name, entity.Prefix }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IssuedApiToken(entity.Id, entity.Name, token);
    }

    public async Task RevokeAsync(ClaimsPrincipal owner, Guid tokenId, string? clientIp, CancellationToken cancellationToken = default)
    {
        var userId = RequireUserId(owner);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, cancellationToken)
            ?? throw DomainException.NotFound("No such token.");
        if (token.RevokedAtUtc is not null)
        {
            return;
        }

        token.RevokedAtUtc = time.GetUtcNow().UtcDateTime;
        await audit.AppendAsync(db, AuditActor.From(owner, clientIp), AuditActions.TokenRevoked, $"user:{userId}", new { tokenId, token.Name, token.Prefix }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The owner of an active token, or null. Records when the token was last used, and writes its first use
    /// in each hour to the audit trail (<c>auth.token.used</c>) with the caller's address and user agent.
    /// </summary>
    public async Task<string?> ResolveOwnerAsync(string presented, SignIn.SignInSource? source = null, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var hash = Hash(presented);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.RevokedAtUtc is not null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (token.LastUsedAtUtc is null || now - token.LastUsedAtUtc.Value >= LastUsedResolution)
        {
            token.LastUsedAtUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (token.LastAuditedAtUtc is null || now - token.LastAuditedAtUtc.Value >= UseAuditResolution)
        {
            await AuditUseAsync(db, token, source, now, cancellationToken);
        }

        return token.UserId;
    }

    private async Task AuditUseAsync(MasqueDbContext db, ApiToken token, SignIn.SignInSource? source, DateTime now, CancellationToken cancellationToken)
    {
        // The claim on the hour is a conditional update inside the transaction, so two requests racing on the
        // same token write one event between them: a busy script does not flood the trail.
        var due = now - UseAuditResolution;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.ApiTokens
            .Where(t => t.Id == token.Id && (t.LastAuditedAtUtc == null || t.LastAuditedAtUtc <= due))
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastAuditedAtUtc, now), cancellationToken);
        if (claimed == 1)
        {
            var email = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
            await audit.AppendAsync(db, new AuditActor(email ?? token.UserId, token.UserId, source?.ClientIp), AuditActions.TokenUsed, $"user:{token.UserId}",
                new { tokenId = token.Id, token.Name, token.Prefix, userAgent = source?.UserAgent }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string RequireUserId(ClaimsPrincipal owner) =>
        owner.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw DomainException.Forbidden("Sign in to manage API tokens.");
}


