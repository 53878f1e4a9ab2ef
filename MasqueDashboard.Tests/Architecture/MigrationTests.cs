using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Architecture;

public sealed class MigrationTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public MigrationTests(MasqueAppFactory app) => this.app = app;

    [Fact]
    public async Task The_sqlite_migrations_match_the_model()
    {
        Assert.False(await app.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())));
    }
}
