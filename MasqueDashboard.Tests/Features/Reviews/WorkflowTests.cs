using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Reviews;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;
using MasqueDashboard.Features.Signers;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Reviews;

/// <summary>Upload → scan → review → publish → revoke through the services, rule by rule.</summary>
public sealed class WorkflowTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().TrustingTestPki();

    public void Dispose() => app.Dispose();

    private async Task<(string Dev, string Reviewer, string Admin, string Admin2)> PeopleAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        return (await app.CreateUserAsync($"dev-{tag}@flow.test", Roles.Developer),
            await app.CreateUserAsync($"reviewer-{tag}@flow.test", Roles.SecurityReviewer),
            await app.CreateUserAsync($"admin-{tag}@flow.test", Roles.EmmAdmin),
            await app.CreateUserAsync($"admin2-{tag}@flow.test", Roles.EmmAdmin));
    }

    private Task DecideAsync(string userId, Guid id, bool approve, string justification = "Reviewed the report: fine.", string? overrideReason = null) =>
        app.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<ReviewService>().DecideAsync(await app.ForAsync(userId), id, new ReviewDecision(approve, justification, overrideReason), "127.0.0.1");
            return true;
        });

    private Task<CatalogAppRow> PublishAsync(string userId, Guid id) =>
        app.WithScopeAsync(async s => await s.GetRequiredService<CatalogService>().PublishAsync(await app.ForAsync(userId), id, "127.0.0.1"));

    private Task TrustOwnTeamAsync(string adminId) => app.WithScopeAsync(async s =>
    {
        await s.GetRequiredService<SignerService>().TrustAsync(await app.ForAsync(adminId), TestPki.TeamId, "Example Corp", null, null);
        return true;
    });

    private Task<Submission> SubmissionAsync(Guid id) => app.WithDbAsync(db => db.Submissions.AsNoTracking().SingleAsync(s => s.Id == id));

    [Fact]
    public async Task Rescanning_a_published_build_keeps_it_published()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, id, approve: true, "Clean report, known team, expected bundle id.");
        await PublishAsync(admin, id);

        await app.AfterScanAsync(() => app.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<SubmissionService>().RescanAsync(await app.ForAsync(reviewer), id, null);
            return true;
        }));

        var rescanned = await SubmissionAsync(id);
        Assert.Equal(SubmissionStatus.Published, rescanned.Status);
        Assert.Null(rescanned.StatusBeforeRescan);
        Assert.Equal(CatalogAppStatus.Published, await app.WithDbAsync(db => db.CatalogApps.Where(a => a.CurrentSubmissionId == id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task The_whole_path_upload_review_publish_is_audited_with_who_and_why()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        Assert.Equal(Verdict.Clean, (await SubmissionAsync(id)).Verdict);

        await DecideAsync(reviewer, id, approve: true, "Clean report, known team, expected bundle id.");
        var published = await PublishAsync(admin, id);

        Assert.Equal("com.example.bank", published.BundleId);
        Assert.Equal(TestPki.TeamId, published.TeamId);
        Assert.Equal(SubmissionStatus.Published, (await SubmissionAsync(id)).Status);
        var actions = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == $"submission:{id}").OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Actor, e.Details }).ToListAsync());
        var approval = actions.Single(a => a.Action == SubmissionActions.Approved);
        Assert.Contains("Clean report, known team", approval.Details, StringComparison.Ordinal);
        Assert.StartsWith("reviewer-", approval.Actor, StringComparison.Ordinal);
        Assert.StartsWith("admin-", actions.Single(a => a.Action == SubmissionActions.Published).Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_approves_a_submission_they_uploaded()
    {
        var (dev, _, admin, _) = await PeopleAsync();
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        // The uploader later becomes a reviewer (the Developer role is dropped: the two conflict).
        await app.WithScopeAsync(async s => { await s.GetRequiredService<UserAdministrationService>().SetRolesAsync(await app.ForAsync(admin), dev, [Roles.SecurityReviewer], null); return true; });

        var refusal = await Assert.ThrowsAsync<DomainException>(() => DecideAsync(dev, id, approve: true));

        Assert.Equal(SeparationOfDutiesRequirement.UploaderCannotApprove, refusal.Message);
        Assert.Equal(SubmissionStatus.Scanned, (await SubmissionAsync(id)).Status);
    }

    [Fact]
    public async Task Nobody_publishes_a_submission_they_uploaded()
    {
        var (_, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var id = await app.UploadAndScanAsync(admin, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, id, approve: true);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => PublishAsync(admin, id));

        Assert.Equal(SeparationOfDutiesRequirement.UploaderCannotPublish, refusal.Message);
    }

    [Fact]
    public async Task The_approver_does_not_also_publish()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, id, approve: true);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => PublishAsync(reviewer, id));

        Assert.Equal(SeparationOfDutiesRequirement.ApproverCannotPublish, refusal.Message);
    }

    [Fact]
    public async Task A_decision_needs_a_written_justification_and_a_bad_verdict_an_override()
    {
        var (dev, reviewer, _, _) = await PeopleAsync();
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        Assert.Equal(Verdict.Suspicious, (await SubmissionAsync(id)).Verdict);

        var noJustification = await Assert.ThrowsAsync<DomainException>(() => DecideAsync(reviewer, id, approve: true, "ok"));
        var noOverride = await Assert.ThrowsAsync<DomainException>(() => DecideAsync(reviewer, id, approve: true));
        await DecideAsync(reviewer, id, approve: true, "Partner app, reviewed by hand.", "The partner team is being added to the trusted signers.");

        Assert.Equal(RefusalKind.Invalid, noJustification.Kind);
        Assert.Contains("override", noOverride.Message, StringComparison.Ordinal);
        var decided = await SubmissionAsync(id);
        Assert.Equal(SubmissionStatus.Approved, decided.Status);
        Assert.NotNull(decided.OverrideReason);
    }

    [Fact]
    public async Task Only_scanned_submissions_are_decided_and_only_approved_ones_published()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, id, approve: false, "Untrusted enterprise team: rejected.");

        var again = await Assert.ThrowsAsync<DomainException>(() => DecideAsync(reviewer, id, approve: true, "Changed my mind about it.", "override reason here"));
        var publishRejected = await Assert.ThrowsAsync<DomainException>(() => PublishAsync(admin, id));

        Assert.Equal(RefusalKind.Conflict, again.Kind);
        Assert.Equal(RefusalKind.Conflict, publishRejected.Kind);
    }

    [Theory]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.EmmAdmin)]
    [InlineData(Roles.Auditor)]
    public async Task Only_security_reviewers_decide(string role)
    {
        var (dev, _, _, _) = await PeopleAsync();
        var other = await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@decide.test", role);
        var id = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => DecideAsync(other, id, approve: false));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public async Task A_bundle_id_belongs_to_its_team_until_an_admin_transfers_it_and_impostors_are_flagged()
    {
        var (dev, reviewer, admin, admin2) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var genuine = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, genuine, approve: true);
        var catalogApp = await PublishAsync(admin, genuine);

        // The same bundle id signed by another team: the Masque impostor.
        var impostor = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp { TeamId = "ZZZZZ99999", Version = "6.6" }));
        var report = await app.WithScopeAsync(async s => await s.GetRequiredService<SubmissionService>().GetAsync(await app.ForAsync(reviewer), impostor));
        Assert.Contains(report.Report!.Findings, f => f.RuleId == RuleIds.MasqueBundleHijack);
        Assert.Equal(Verdict.Malicious, report.Summary.Verdict);
        var overview = await app.WithScopeAsync(async s => await s.GetRequiredService<MasqueDashboard.Features.Overview.OverviewService>().LoadAsync(await app.ForAsync(admin)));
        Assert.Equal(1, overview.Submissions!.MasqueDetections[^1].Count);

        await DecideAsync(reviewer, impostor, approve: true, "Testing the catalog's ownership rule.", "Deliberate: checking the publish refusal.");
        var refusal = await Assert.ThrowsAsync<DomainException>(() => PublishAsync(admin2, impostor));
        Assert.Contains("transfer ownership", refusal.Message, StringComparison.Ordinal);

        // The transfer re-evaluates the impostor (now the owner's build): wait for that rescan before publishing.
        await app.AfterScanAsync(() => app.WithScopeAsync(async s => { await s.GetRequiredService<CatalogService>().TransferOwnershipAsync(await app.ForAsync(admin), catalogApp.Id, "ZZZZZ99999", "Acquisition of the app by Z Corp.", null); return true; }));
        Assert.Equal(SubmissionStatus.Approved, (await SubmissionAsync(impostor)).Status);
        var moved = await PublishAsync(admin2, impostor);
        Assert.Equal("ZZZZZ99999", moved.TeamId);
        Assert.Equal(SubmissionStatus.Retired, (await SubmissionAsync(genuine)).Status);
    }

    [Fact]
    public async Task Publishing_re_evaluates_earlier_submissions_that_now_collide_with_the_catalog()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var earlierImpostor = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp { TeamId = "ZZZZZ99999" }));
        Assert.DoesNotContain(RuleIds.MasqueBundleHijack, await RulesOfAsync(earlierImpostor));
        var genuine = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, genuine, approve: true);

        await app.AfterScanAsync(() => PublishAsync(admin, genuine), scans: 2);

        Assert.Contains(RuleIds.MasqueBundleHijack, await RulesOfAsync(earlierImpostor));
        Assert.Equal(SubmissionStatus.Scanned, (await SubmissionAsync(earlierImpostor)).Status);
    }

    [Fact]
    public async Task A_rescan_after_approval_returns_the_submission_to_review_only_if_its_verdict_worsened()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var package = SamplePackages.Build(new SampleApp());
        var id = await app.UploadAndScanAsync(dev, package);
        await DecideAsync(reviewer, id, approve: true);

        await app.AfterScanAsync(() => RescanAsync(reviewer, id));
        Assert.Equal(SubmissionStatus.Approved, (await SubmissionAsync(id)).Status);

        await app.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<KnownMalwareHashService>().AddAsync(await app.ForAsync(admin), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(package)), "test write-up", null, null);
            return true;
        });
        await app.AfterScanAsync(() => RescanAsync(reviewer, id));

        var reopened = await SubmissionAsync(id);
        Assert.Equal(SubmissionStatus.Scanned, reopened.Status);
        Assert.Equal(Verdict.Malicious, reopened.Verdict);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Target == $"submission:{id}" && e.Action == SubmissionActions.ReturnedToReview)));
    }

    [Fact]
    public async Task Revoking_a_certificate_revokes_its_catalog_apps_re_evaluates_its_submissions_and_tells_listeners()
    {
        var (dev, reviewer, admin, _) = await PeopleAsync();
        await TrustOwnTeamAsync(admin);
        var published = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp()));
        await DecideAsync(reviewer, published, approve: true);
        await PublishAsync(admin, published);
        var pending = await app.UploadAndScanAsync(dev, SamplePackages.Build(new SampleApp { Version = "2.0" }));
        var sha1 = MasqueDashboard.Features.Scanning.Provisioning.SigningCertificate.From(TestPki.Shared.Distribution).Sha1;

        var impact = await app.WithScopeAsync(async s => await s.GetRequiredService<SignerService>().ImpactOfRevocationAsync(await app.ForAsync(admin), sha1));
        Assert.Equal(["com.example.bank"], impact.CatalogApps);
        Assert.Equal(2, impact.Submissions);

        CertificateRevoked? revoked = null;
        await app.AfterScanAsync(async () => revoked = await app.WithScopeAsync(async s => await s.GetRequiredService<SignerService>().RevokeAsync(await app.ForAsync(admin), sha1, "Certificate key leaked.", null)));

        Assert.Equal(["com.example.bank"], revoked!.RevokedBundleIds);
        Assert.Equal(CatalogAppStatus.Revoked, (await app.WithDbAsync(db => db.CatalogApps.SingleAsync())).Status);
        Assert.Equal(SubmissionStatus.Revoked, (await SubmissionAsync(published)).Status);
        Assert.Contains(RuleIds.SignerRevoked, await RulesOfAsync(pending));
        var audit = await app.WithDbAsync(db => db.AuditEvents.Select(e => e.Action).ToListAsync());
        Assert.Contains(SignerService.Revoked, audit);
        Assert.Contains(SignerService.CatalogRevoked, audit);
    }

    private Task RescanAsync(string userId, Guid id) => app.WithScopeAsync(async s =>
    {
        await s.GetRequiredService<SubmissionService>().RescanAsync(await app.ForAsync(userId), id, null);
        return true;
    });

    private Task<List<string>> RulesOfAsync(Guid id) =>
        app.WithDbAsync(db => db.SubmissionFindings.Where(f => f.SubmissionId == id).Select(f => f.RuleId).ToListAsync());
}
