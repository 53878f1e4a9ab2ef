using MasqueDashboard.Features.Audit;
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

    private async Task RecordAtAsync(IAuditLog audit, string action, DateTime at)
    {
        await using var db = await app.App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await audit.AppendHistoricAsync(db, AuditActor.System, action, null, null, new DateTimeOffset(at, TimeSpan.Zero));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
