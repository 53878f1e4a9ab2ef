using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Infrastructure.Data;

public static class DatabaseInitializer
{
    /// <summary>
    /// Applies migrations and makes sure the four roles exist. Idempotent; runs at start-up and for every
    /// command-line verb, so a fresh clone needs no separate step.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<MasqueDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite && sqlite.DataSource is { Length: > 0 } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            }

            await db.Database.MigrateAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // WAL lets readers (pages, exports) run beside the one writer; it is a property of the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>
    /// <c>ConnectionStrings:Sqlite</c>, with a relative file name resolved against the content root so the
    /// database lands in the same place whatever the working directory.
    /// </summary>
    public static string ResolveSqliteConnectionString(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new SqliteConnectionStringBuilder(
            configuration.GetConnectionString("Sqlite") is { Length: > 0 } configured ? configured : "Data Source=App_Data/masque.db");
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file)
            && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.Combine(contentRoot, file);
        }

        return builder.ToString();
    }
}

/// <summary>Hands out the provider's derived context as the product's <see cref="MasqueDbContext"/>.</summary>
internal sealed class MasqueDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<MasqueDbContext>
    where TContext : MasqueDbContext
{
    public MasqueDbContext CreateDbContext() => inner.CreateDbContext();
}

/// <summary>Contexts made by a function: a database reached outside the app's own configuration (<c>db copy</c>'s target).</summary>
internal sealed class StandaloneContextFactory(Func<MasqueDbContext> create) : IDbContextFactory<MasqueDbContext>
{
    public MasqueDbContext CreateDbContext() => create();
}
