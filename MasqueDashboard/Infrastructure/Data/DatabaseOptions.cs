namespace MasqueDashboard.Infrastructure.Data;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default). <c>Postgres</c> arrives with PRODUCT.md §11.</summary>
    public string Provider { get; set; } = "Sqlite";
}
