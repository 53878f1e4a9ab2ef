using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>The PostgreSQL flavour of the model; owns <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresMasqueDbContext(DbContextOptions<PostgresMasqueDbContext> options) : MasqueDbContext(options)
{
    /// <summary>
    /// A context outside the app (design time, <c>db copy</c>, test templates) with the model the app builds
    /// (<see cref="MasqueDbContext.IdentityServices"/>).
    /// </summary>
    public static PostgresMasqueDbContext Standalone(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresMasqueDbContext>()
            .UseNpgsql(Tuned(connectionString))
            .UseApplicationServiceProvider(IdentityServices)
            .AddInterceptors(new PostgresWriterLock())
            .Options);

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c> with two defaults the product's short, frequent statements want, unless the
    /// operator set them: automatic preparation (<c>Max Auto Prepare=64</c>: the check-in path's statements are planned
    /// once per connection) and no reset when a pooled connection is returned (<c>No Reset On Close</c>: the product
    /// keeps no session state — its one lock is transaction-scoped — so the reset would be a round trip for nothing).
    /// Together they took check-ins from 1,290 to 1,923 per second here (docs/BENCHMARKS.md).
    /// </summary>
    public static string Tuned(string? connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        // The product keeps every time as a UTC DateTime (SQLite hands them back unspecified). PostgreSQL's
        // timestamptz takes UTC only, so every DateTime is marked UTC on its way in — values and query parameters alike.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresMasqueDbContext</c> build the model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMasqueDbContext>
{
    public PostgresMasqueDbContext CreateDbContext(string[] args) => PostgresMasqueDbContext.Standalone("Host=127.0.0.1;Database=masque_design");
}
