using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// The product's one model. Provider-neutral: each database provider derives its own context
/// (<see cref="SqliteMasqueDbContext"/>) only to own a migrations folder.
/// </summary>
public class MasqueDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AuditEvent>(e =>
        {
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.ActorId).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(128);
            e.Property(x => x.Target).HasMaxLength(512);
            e.Property(x => x.ClientIp).HasMaxLength(64);
            e.Property(x => x.PreviousHash).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.HasIndex(x => x.OccurredAtUtc);
            e.HasIndex(x => new { x.Action, x.OccurredAtUtc });
            e.HasIndex(x => new { x.Actor, x.OccurredAtUtc });
        });

        builder.Entity<ApiToken>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Prefix).HasMaxLength(16);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.UserId);
            e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
