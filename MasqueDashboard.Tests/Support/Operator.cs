using MasqueDashboard.Infrastructure.Cli;
using Microsoft.AspNetCore.Builder;

namespace MasqueDashboard.Tests.Support;

/// <summary>The operator's verbs against a PostgreSQL database that running instances share.</summary>
public static class Operator
{
    /// <summary>Runs a verb; asserts it succeeded and returns what it printed.</summary>
    public static async Task<string> RunAsync(string postgres, string storage, params string[] args)
    {
        void Configure(WebApplicationBuilder builder)
        {
            builder.Configuration["Database:Provider"] = "Postgres";
            builder.Configuration["ConnectionStrings:Postgres"] = postgres;
            builder.Configuration["Storage:Root"] = storage;
            builder.Environment.EnvironmentName = "Testing";
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error, Configure);
        Assert.True(exit == CommandLine.Ok, $"{string.Join(' ', args)}: {output}{error}");
        return output.ToString();
    }

    /// <summary>Issues an API token for an existing user (<c>tokens issue</c>: the token alone on the last line).</summary>
    public static async Task<string> TokenAsync(string postgres, string storage, string email) =>
        (await RunAsync(postgres, storage, "tokens", "issue", "--email", email)).TrimEnd().Split('\n')[^1].Trim();
}
