using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Overview;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Overview;

public sealed class OverviewTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Sign_ins_per_day_count_each_outcome_on_its_day()
    {
        var audit = app.App.GetRequiredService<IAuditLog>();
        var today = app.Time.GetUtcNow().UtcDateTime.Date;
        await RecordAtAsync(audit, AuditActions.LoginSucceeded, today.AddDays(-2).AddHours(9));
        await RecordAtAsync(audit, AuditActions.LoginSucceeded, today.AddDays(-2).AddHours(17));
        await RecordAtAsync(audit, AuditActions.LoginFailed, today.AddDays(-2).AddHours(10));
        await RecordAtAsync(audit, AuditActions.LockedOut, today.AddHours(1));
        await RecordAtAsync(audit, AuditActions.LoginSucceeded, today.AddDays(-20));

        var days = await app.WithDbAsync(db => app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().SignInsPerDayAsync(db, default)));

        Assert.Equal(OverviewService.SignInDays, days.Count);
        var twoDaysAgo = days.Single(d => d.Day == DateOnly.FromDateTime(today.AddDays(-2)));
        Assert.Equal((2, 1, 0), (twoDaysAgo.Succeeded, twoDaysAgo.Failed, twoDaysAgo.LockedOut));
        Assert.Equal(1, days[^1].LockedOut);
        Assert.Equal(2, days.Sum(d => d.Succeeded));
    }

    [Fact]
    public async Task The_overview_shows_each_role_only_its_cards()
    {
        var developer = await app.ForAsync(await app.CreateUserAsync("dev@overview.test", Roles.Developer));
        var auditor = await app.ForAsync(await app.CreateUserAsync("auditor@overview.test", Roles.Auditor));
        var admin = await app.ForAsync(await app.CreateUserAsync("admin@overview.test", Roles.EmmAdmin));

        var forDeveloper = await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(developer));
        var forAuditor = await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(auditor));
        var forAdmin = await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(admin));

        Assert.Null(forDeveloper.SignIns);
        Assert.Null(forDeveloper.Users);
        Assert.NotNull(forAuditor.SignIns);
        Assert.Null(forAuditor.Users);
        Assert.NotNull(forAdmin.Users);
        Assert.Equal(3, forAdmin.Users!.Total);
    }

    [Fact]
    public void The_sign_in_chart_stacks_the_three_outcomes_per_day()
    {
        var spec = MasqueDashboard.Features.Overview.Overview.SignInChart([new SignInDay(new DateOnly(2026, 11, 2), 5, 2, 1)]);

        Assert.Equal(["Nov 2"], spec.Categories);
        Assert.Equal(["Succeeded", "Failed", "Locked out"], spec.Series.Select(s => s.Name));
        Assert.Equal([5.0, 2.0, 1.0], spec.Series.Select(s => s.Data[0]));
        Assert.True(spec.Stacked);
    }

    [Fact]
    public async Task Fleet_counts_go_only_to_those_who_read_the_fleet()
    {
        var developer = await app.ForAsync(await app.CreateUserAsync("dev@overview.test", Roles.Developer));
        var reviewer = await app.ForAsync(await app.CreateUserAsync("reviewer@overview.test", Roles.SecurityReviewer));
        var auditor = await app.ForAsync(await app.CreateUserAsync("auditor@overview.test", Roles.Auditor));
        await app.AddDeviceAsync("fine@corp.test", os: "8.1");
        var old = await app.AddDeviceAsync("old@corp.test", ComplianceState.NonCompliant, os: "7.0.6");
        await app.AddViolationAsync(old.Id, ViolationIds.OsVersionBelowMinimum, "iOS 7.0.6 is below 7.1");
        var masqued = await app.AddDeviceAsync("masqued@corp.test", ComplianceState.Quarantined, os: "8.1");
        await app.AddViolationAsync(masqued.Id, ViolationIds.MasqueBundleHijack, "impostor", subject: "com.example.bank");
        await app.AddViolationAsync(masqued.Id, ViolationIds.MasqueUrlSchemeHijack, "scheme", subject: "com.example.bank");
        await app.AddWipeRequestAsync(masqued.Id, "someone", "admin@corp.test", "Masque'd and unreachable.");

        var forDeveloper = await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(developer));
        var forReviewer = await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(reviewer));
        var fleet = (await app.WithScopeAsync(s => s.GetRequiredService<OverviewService>().LoadAsync(auditor))).Fleet;

        Assert.Null(forDeveloper.Fleet);
        Assert.Null(forReviewer.Fleet);
        Assert.NotNull(fleet);
        Assert.Equal((3, 1, 1, 1, 1), (fleet.Total, fleet.Compliant, fleet.NonCompliant, fleet.Quarantined, fleet.PendingWipes));
        Assert.Equal(["7.0.6", "8.1"], fleet.OsVersions.Select(v => v.Key));
        Assert.Equal([1, 2], fleet.OsVersions.Select(v => v.Count));
        Assert.Equal(3, fleet.Violations.Count);
    }

    [Fact]
    public void The_compliance_chart_is_a_donut_of_the_three_states_in_their_colours()
    {
        var stats = new FleetStats(10, 6, 3, 1, [], [], 0);

        var spec = MasqueDashboard.Features.Overview.Overview.ComplianceChart(stats);

        Assert.Equal(MasqueDashboard.Components.Charts.ChartKind.Donut, spec.Kind);
        Assert.Equal(["Compliant", "Non-compliant", "Quarantined"], spec.Categories);
        Assert.Equal([6.0, 3.0, 1.0], spec.Series[0].Data);
        Assert.Equal(["#2E7D32", "#EF6C00", "#C62828"], spec.Colors!);
    }

    [Fact]
    public void The_os_and_violation_charts_have_one_bar_per_version_and_per_rule()
    {
        var stats = new FleetStats(5, 2, 2, 1, [new("7.0.6", 2), new("8.1", 3)], [new(ViolationIds.MasqueBundleHijack, 1), new(ViolationIds.OsVersionBelowMinimum, 2)], 0);

        var os = MasqueDashboard.Features.Overview.Overview.OsVersionChart(stats);
        var violations = MasqueDashboard.Features.Overview.Overview.ViolationChart(stats);

        Assert.Equal(["7.0.6", "8.1"], os.Categories);
        Assert.Equal([2.0, 3.0], os.Series[0].Data);
        Assert.Equal([ViolationIds.MasqueBundleHijack, ViolationIds.OsVersionBelowMinimum], violations.Categories);
        Assert.Equal([1.0, 2.0], violations.Series[0].Data);
    }

    [Theory]
    [InlineData(0, 0, "—")]
    [InlineData(200, 199, "99 %")]
    [InlineData(4, 4, "100 %")]
    [InlineData(3, 1, "33 %")]
    public void The_compliant_share_rounds_down(int total, int compliant, string expected)
    {
        Assert.Equal(expected, MasqueDashboard.Features.Overview.Overview.CompliancePercent(new FleetStats(total, compliant, total - compliant, 0, [], [], 0)));
    }

    private async Task RecordAtAsync(IAuditLog audit, string action, DateTime at)
    {
        await using var db = await app.App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await audit.AppendHistoricAsync(db, AuditActor.System, action, null, null, new DateTimeOffset(at, TimeSpan.Zero));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
