using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MasqueDashboard.Infrastructure.Data;

/// <summary>The SQLite flavour of the model; owns <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteMasqueDbContext(DbContextOptions<SqliteMasqueDbContext> options) : MasqueDbContext(options)
{
    /// <summary>A context outside the app (<c>db copy</c>'s source) with the model the app builds (<see cref="MasqueDbContext.IdentityServices"/>).</summary>
    public static SqliteMasqueDbContext Standalone(string connectionString) =>
        new(new DbContextOptionsBuilder<SqliteMasqueDbContext>().UseSqlite(connectionString).UseApplicationServiceProvider(IdentityServices).Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMasqueDbContext>
{
    public SqliteMasqueDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteMasqueDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
