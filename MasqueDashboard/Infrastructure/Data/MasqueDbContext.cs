using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>
/// The product's one model. Provider-neutral: each database provider derives its own context
/// (<see cref="SqliteMasqueDbContext"/>) only to own a migrations folder.
/// </summary>
public class MasqueDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Identity table layout the app registers; design-time factories build the same.</summary>
    public static readonly Version IdentitySchema = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version2;

    /// <summary>
    /// Application services for a context built outside the app: Identity shapes its tables from the
    /// <c>IdentityOptions</c> it finds among them, so these carry <see cref="IdentitySchema"/>.
    /// </summary>
    protected static IServiceProvider IdentityServices => LazyIdentityServices.Value;

    private static readonly Lazy<IServiceProvider> LazyIdentityServices = new(() =>
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddOptions<Microsoft.AspNetCore.Identity.IdentityOptions>().Configure(o => o.Stores.SchemaVersion = IdentitySchema);
        return services.BuildServiceProvider();
    });

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <summary>Data Protection's key ring, shared by every instance (cookies and antiforgery tokens minted by one are read by all).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<StateStamp> StateStamps => Set<StateStamp>();

    public DbSet<AuditAnchor> AuditAnchors => Set<AuditAnchor>();
    public DbSet<Features.Audit.Exports.AuditExport> AuditExports => Set<Features.Audit.Exports.AuditExport>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Features.Audit.Logins.LoginAlert> LoginAlerts => Set<Features.Audit.Logins.LoginAlert>();

    public DbSet<Submission> Submissions => Set<Submission>();

    public DbSet<SubmissionFinding> SubmissionFindings => Set<SubmissionFinding>();

    public DbSet<KnownMalwareHash> KnownMalwareHashes => Set<KnownMalwareHash>();

    public DbSet<SubmissionSigner> SubmissionSigners => Set<SubmissionSigner>();

    public DbSet<CatalogApp> CatalogApps => Set<CatalogApp>();

    public DbSet<CatalogAppVersion> CatalogAppVersions => Set<CatalogAppVersion>();

    public DbSet<TrustedSigner> TrustedSigners => Set<TrustedSigner>();

    public DbSet<RevokedCertificate> RevokedCertificates => Set<RevokedCertificate>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<AppBuild> AppBuilds => Set<AppBuild>();

    public DbSet<DeviceApp> DeviceApps => Set<DeviceApp>();

    public DbSet<DeviceCheckIn> DeviceCheckIns => Set<DeviceCheckIn>();

    public DbSet<DeviceCommand> DeviceCommands => Set<DeviceCommand>();

    public DbSet<DeviceViolation> DeviceViolations => Set<DeviceViolation>();

    public DbSet<FullWipeRequest> FullWipeRequests => Set<FullWipeRequest>();

    public DbSet<PolicyVersion> PolicyVersions => Set<PolicyVersion>();

    public DbSet<FleetDailyStat> FleetDailyStats => Set<FleetDailyStat>();

    public DbSet<HeldBatch> HeldBatches => Set<HeldBatch>();

    public DbSet<HeldCommand> HeldCommands => Set<HeldCommand>();

    public DbSet<Features.Audit.Siem.SiemSinkSettings> SiemSinkSettings => Set<Features.Audit.Siem.SiemSinkSettings>();

    public DbSet<Features.Audit.Siem.SiemCheckpoint> SiemCheckpoints => Set<Features.Audit.Siem.SiemCheckpoint>();

    /// <summary>The entities a <see cref="Features.Compliance.FleetState"/> is built from: saving any of them renews the fleet's stamp.</summary>
    private static readonly HashSet<Type> FleetInputs =
        [typeof(CatalogApp), typeof(CatalogAppVersion), typeof(TrustedSigner), typeof(RevokedCertificate), typeof(KnownMalwareHash), typeof(PolicyVersion)];

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RenewStamps();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RenewStamps();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Renews <see cref="StateStamp.Fleet"/> in the same save (and so the same transaction) as the change it announces.</summary>
    private void RenewStamps()
    {
        if (!ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && FleetInputs.Contains(e.Metadata.ClrType)))
        {
            return;
        }

        var stamp = StateStamps.Local.FirstOrDefault(s => s.Name == StateStamp.Fleet);
        if (stamp is null)
        {
            stamp = new StateStamp { Name = StateStamp.Fleet };
            StateStamps.Attach(stamp);
        }

        stamp.Stamp = Guid.NewGuid();
        Entry(stamp).Property(s => s.Stamp).IsModified = true;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Features.Audit.Exports.AuditExport>(e =>
        {
            e.Property(x => x.Format).HasConversion<string>().HasMaxLength(8);
            e.Property(x => x.FileName).HasMaxLength(200);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.HeadHash).HasMaxLength(64);
            e.Property(x => x.ExportedBy).HasMaxLength(256);
            e.HasIndex(x => x.ExportedAtUtc);
        });
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
            e.HasIndex(x => x.Target); // a device's evidence, a submission's history
            e.HasIndex(x => new { x.Actor, x.OccurredAtUtc });
            e.HasIndex(x => new { x.ActorId, x.Action });
            e.HasIndex(x => new { x.ClientIp, x.OccurredAtUtc });
        });

        builder.Entity<Features.Audit.Logins.LoginAlert>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Severity).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Subject).HasMaxLength(256);
            e.Property(x => x.Evidence).HasMaxLength(1000);
            e.Property(x => x.AcknowledgedBy).HasMaxLength(256);
            e.Property(x => x.AcknowledgedById).HasMaxLength(64);
            e.Property(x => x.AcknowledgementComment).HasMaxLength(2000);
            e.Ignore(x => x.IsOpen);
            e.HasIndex(x => new { x.Kind, x.Subject, x.LastSeenAtUtc });
            e.HasIndex(x => new { x.AcknowledgedAtUtc, x.RaisedAtUtc });
        });

        builder.Entity<AuditAnchor>(e =>
        {
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Hash).HasMaxLength(64);
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

        builder.Entity<Submission>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.UploaderId).HasMaxLength(64);
            e.Property(x => x.UploaderEmail).HasMaxLength(256);
            e.Property(x => x.FileName).HasMaxLength(255);
            e.Property(x => x.PackageSha256).HasMaxLength(64);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Verdict).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.StatusReason).HasMaxLength(2000);
            e.Property(x => x.AppName).HasMaxLength(256);
            e.Property(x => x.BundleId).HasMaxLength(256);
            e.Property(x => x.Version).HasMaxLength(64);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.Distribution).HasMaxLength(32);
            e.Property(x => x.ProfileUuid).HasMaxLength(64);
            e.HasIndex(x => x.PackageSha256);
            e.HasIndex(x => new { x.UploaderId, x.UploadedAtUtc });
            e.HasIndex(x => new { x.Status, x.StatusChangedAtUtc });
            e.Property(x => x.ScanLeaseOwner).HasMaxLength(64);
            e.HasIndex(x => x.UploadedAtUtc);
            e.HasIndex(x => x.BundleId);
            e.HasMany(x => x.Findings).WithOne().HasForeignKey(f => f.SubmissionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Signers).WithOne().HasForeignKey(f => f.SubmissionId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.StatusBeforeRescan).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.UrlSchemes).HasMaxLength(4000);
            e.Property(x => x.ExtensionBundleIds).HasMaxLength(4000);
            e.Property(x => x.ReviewedVerdict).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ReviewerId).HasMaxLength(64);
            e.Property(x => x.ReviewerEmail).HasMaxLength(256);
            e.Property(x => x.ReviewJustification).HasMaxLength(4000);
            e.Property(x => x.OverrideReason).HasMaxLength(4000);
            e.Property(x => x.PublisherId).HasMaxLength(64);
            e.Property(x => x.PublisherEmail).HasMaxLength(256);
        });

        builder.Entity<SubmissionSigner>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Sha1).HasMaxLength(40);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.Subject).HasMaxLength(1000);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.Role).HasMaxLength(64);
            e.HasIndex(x => x.Sha1);
            e.HasIndex(x => x.TeamId);
        });

        builder.Entity<CatalogApp>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.BundleId).HasMaxLength(256);
            e.HasIndex(x => x.BundleId).IsUnique();
            e.Property(x => x.Name).HasMaxLength(256);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.StatusReason).HasMaxLength(2000);
            e.Property(x => x.CurrentVersion).HasMaxLength(64);
            e.Property(x => x.Distribution).HasMaxLength(32);
            e.Property(x => x.UrlSchemes).HasMaxLength(4000);
            e.Property(x => x.ExtensionBundleIds).HasMaxLength(4000);
            e.Property(x => x.ApprovedByEmail).HasMaxLength(256);
            e.Property(x => x.PublishedByEmail).HasMaxLength(256);
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.CatalogAppId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CatalogAppVersion>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Version).HasMaxLength(64);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.ApprovedByEmail).HasMaxLength(256);
            e.Property(x => x.PublishedByEmail).HasMaxLength(256);
        });

        builder.Entity<TrustedSigner>(e =>
        {
            e.HasKey(x => x.TeamId);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(256);
            e.Property(x => x.CertificateSha1).HasMaxLength(40);
            e.Property(x => x.AddedBy).HasMaxLength(256);
        });

        builder.Entity<RevokedCertificate>(e =>
        {
            e.HasKey(x => x.Sha1);
            e.Property(x => x.Sha1).HasMaxLength(40);
            e.Property(x => x.Reason).HasMaxLength(2000);
            e.Property(x => x.RevokedBy).HasMaxLength(256);
        });

        builder.Entity<SubmissionFinding>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.RuleId).HasMaxLength(64);
            e.Property(x => x.Severity).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Title).HasMaxLength(256);
            e.Property(x => x.Evidence).HasMaxLength(4000);
            e.Property(x => x.Remediation).HasMaxLength(1000);
            e.Property(x => x.Source).HasMaxLength(64);
            e.HasIndex(x => x.RuleId);
        });

        builder.Entity<KnownMalwareHash>(e =>
        {
            e.HasKey(x => x.Sha256);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(500);
            e.Property(x => x.Note).HasMaxLength(1000);
            e.Property(x => x.AddedBy).HasMaxLength(256);
        });

        OnFleetModelCreating(builder);

        builder.Entity<StateStamp>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(32);
            e.HasData(new StateStamp { Name = StateStamp.Fleet, Stamp = Guid.Empty });
        });

        builder.Entity<Features.Audit.Siem.SiemSinkSettings>(e =>
        {
            e.HasKey(x => x.Sink);
            e.Property(x => x.Sink).HasMaxLength(16);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.Token).HasMaxLength(500);
            e.Property(x => x.Index).HasMaxLength(200);
            e.Property(x => x.SourceType).HasMaxLength(200);
            e.Property(x => x.Host).HasMaxLength(255);
            e.Property(x => x.Protocol).HasMaxLength(8);
            e.Property(x => x.AppName).HasMaxLength(48);
            e.Property(x => x.UpdatedBy).HasMaxLength(256);
        });

        builder.Entity<Features.Audit.Siem.SiemCheckpoint>(e =>
        {
            e.HasKey(x => x.Sink);
            e.Property(x => x.Sink).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(1000);
        });
    }

    private static void OnFleetModelCreating(ModelBuilder builder)
    {
        builder.Entity<Device>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Udid).HasMaxLength(64);
            e.HasIndex(x => x.Udid).IsUnique();
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.Property(x => x.SerialNumber).HasMaxLength(32);
            e.Property(x => x.Model).HasMaxLength(64);
            e.Property(x => x.Owner).HasMaxLength(256);
            e.Property(x => x.OsVersion).HasMaxLength(16);
            e.Property(x => x.Network).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Compliance).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Compliance, x.LastCheckInAtUtc });
            e.HasIndex(x => x.LastCheckInAtUtc);
            e.HasIndex(x => x.OsVersionKey);
            e.HasIndex(x => x.OsVersion); // the overview's iOS versions chart reads only this index
            e.HasIndex(x => x.Owner);
        });

        builder.Entity<AppBuild>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Key).HasMaxLength(64);
            e.HasIndex(x => x.Key).IsUnique();
            e.Property(x => x.BundleId).HasMaxLength(256);
            e.Property(x => x.Name).HasMaxLength(256);
            e.Property(x => x.Version).HasMaxLength(64);
            e.Property(x => x.TeamId).HasMaxLength(32);
            e.Property(x => x.SignerSha1).HasMaxLength(40);
            e.Property(x => x.Distribution).HasMaxLength(32);
            e.Property(x => x.UrlSchemes).HasMaxLength(13000);
            e.Property(x => x.Extensions).HasMaxLength(13000);
            e.Property(x => x.ProfileUuid).HasMaxLength(64);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => x.BundleId);
            e.HasIndex(x => x.TeamId);
            e.HasIndex(x => x.SignerSha1);
            e.HasIndex(x => x.Sha256);
        });

        builder.Entity<DeviceApp>(e =>
        {
            e.HasKey(x => new { x.DeviceId, x.AppBuildId });
            e.HasIndex(x => x.AppBuildId);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppBuild>().WithMany().HasForeignKey(x => x.AppBuildId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<DeviceCheckIn>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Compliance).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.DeviceId, x.Id });
            e.HasIndex(x => x.AtUtc);
        });

        builder.Entity<DeviceCommand>(e =>
        {
            e.HasKey(x => x.Number);
            e.HasIndex(x => x.Id).IsUnique();
            e.Property(x => x.Type).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Payload).HasMaxLength(4000);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.RequestedBy).HasMaxLength(256);
            e.Property(x => x.Detail).HasMaxLength(2000);
            e.HasIndex(x => new { x.DeviceId, x.Status });
            e.HasIndex(x => new { x.Status, x.QueuedAtUtc });
            e.HasIndex(x => new { x.RequestedBy, x.QueuedAtUtc }); // the mass-action brake's window
            e.Ignore(x => x.IsPending);
        });

        builder.Entity<DeviceViolation>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.PolicyId).HasMaxLength(32);
            e.Property(x => x.RuleId).HasMaxLength(64);
            e.Property(x => x.Subject).HasMaxLength(256);
            e.Property(x => x.Detail).HasMaxLength(2000);
            e.HasIndex(x => new { x.DeviceId, x.RuleId, x.Subject }).IsUnique();
            e.HasIndex(x => new { x.PolicyId, x.StepsApplied, x.SinceUtc });
            e.HasIndex(x => new { x.RuleId, x.DeviceId }); // devices per rule (the overview) from the index alone
        });

        builder.Entity<FullWipeRequest>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.RequestedById).HasMaxLength(64);
            e.Property(x => x.RequestedBy).HasMaxLength(256);
            e.Property(x => x.Reason).HasMaxLength(2000);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.DecidedBy).HasMaxLength(256);
            e.Property(x => x.DecisionComment).HasMaxLength(2000);
            e.HasIndex(x => new { x.Status, x.RequestedAtUtc });
            e.HasIndex(x => x.DeviceId);
        });

        builder.Entity<HeldBatch>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.RuleIds).HasMaxLength(1000);
            e.Property(x => x.Limit).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.DecidedBy).HasMaxLength(256);
            e.Property(x => x.DecisionComment).HasMaxLength(2000);
            e.HasIndex(x => new { x.Status, x.HeldAtUtc });
        });

        builder.Entity<HeldCommand>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Type).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.Payload).HasMaxLength(4000);
            e.Property(x => x.RuleId).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.Subject).HasMaxLength(256);
            e.HasOne<HeldBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.BatchId, x.DeviceId });
        });

        builder.Entity<FleetDailyStat>(e =>
        {
            e.HasKey(x => new { x.Day, x.Key });
            e.Property(x => x.Key).HasMaxLength(80);
        });

        builder.Entity<PolicyVersion>(e =>
        {
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
            e.Property(x => x.ChangedBy).HasMaxLength(256);
            e.Property(x => x.Comment).HasMaxLength(1000);
        });
    }
}
