namespace MasqueDashboard.Infrastructure.Data;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "Sqlite";

    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (embedded default, <c>ConnectionStrings:Sqlite</c>) or <c>Postgres</c> (<c>ConnectionStrings:Postgres</c>), PRODUCT.md §11.</summary>
    public string Provider { get; set; } = Sqlite;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    public bool IsKnown => IsPostgres || string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);
}
