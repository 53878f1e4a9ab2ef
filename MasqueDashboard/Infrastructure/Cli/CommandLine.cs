using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Hosting;
using Microsoft.AspNetCore.Identity;

namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// The operator verbs of PRODUCT.md §10, run by the same executable with the same configuration as the
/// server (appsettings, environment variables). Exit codes: 0 done, 1 the check or action failed,
/// 2 bad usage.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string UsageText = """
        Usage: MasqueDashboard <verb> [options]      (no verb: run the web server)

          users add --email E --role R [--role R2 ...] [--password P]
                                  Create a console user. Roles: Developer, SecurityReviewer, EmmAdmin, Auditor.
                                  Without --password a one-time password is generated and printed.
          tokens issue --email E [--name N]
                                  Issue a personal API token for the user; the token is printed alone on
                                  the last line.
          db migrate              Create or upgrade the database.
          audit verify            Recompute the audit trail's hash chain; exit 1 when it is broken.
          help                    This text.
        """;

    private static readonly string[] Verbs = ["users", "tokens", "db", "audit", "help", "--help", "-h"];

    /// <summary>A first argument that is not an option names a verb; options alone start the server.</summary>
    public static bool IsVerb(string[] args) =>
        args is { Length: > 0 } && (!args[0].StartsWith('-') || Verbs.Contains(args[0]));

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var verb = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
        if (verb is "help" || args[0] is "--help" or "-h")
        {
            await output.WriteLineAsync(UsageText);
            return Ok;
        }

        Func<IServiceProvider, CliArguments, TextWriter, Task<int>>? handler = verb switch
        {
            "users add" => AddUserAsync,
            "tokens issue" => IssueTokenAsync,
            "db migrate" => static (_, _, o) => WriteAsync(o, "Database is up to date."),
            "audit verify" => VerifyAuditAsync,
            _ => null,
        };
        if (handler is null)
        {
            await error.WriteLineAsync($"Unknown verb '{verb}'.");
            await error.WriteLineAsync(UsageText);
            return Usage;
        }

        CliArguments options;
        try
        {
            options = CliArguments.Parse(args.Skip(verb.Split(' ').Length));
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(UsageText);
            return Usage;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        builder.AddMasqueDashboard();
        await using var app = builder.Build();

        try
        {
            await DatabaseInitializer.MigrateAsync(app.Services);
            await using var scope = app.Services.CreateAsyncScope();
            return await handler(scope.ServiceProvider, options, output);
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(UsageText);
            return Usage;
        }
        catch (DomainException e)
        {
            await error.WriteLineAsync($"Refused: {e.Message}");
            return Failed;
        }
    }

    private static async Task<int> AddUserAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("email", "role", "password");
        var created = await services.GetRequiredService<UserAdministrationService>()
            .CreateAsync(AuditActor.CommandLine, args.Single("email"), args.Many("role"), args.Optional("password"));
        await output.WriteLineAsync($"Created {created.Email} ({created.Id}).");
        if (created.GeneratedPassword is not null)
        {
            await output.WriteLineAsync($"One-time password: {created.GeneratedPassword}");
        }

        return Ok;
    }

    private static async Task<int> IssueTokenAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly("email", "name");
        var email = args.Single("email");
        var user = await services.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email)
            ?? throw DomainException.NotFound($"No user with the email {email}.");
        var token = await services.GetRequiredService<ApiTokenService>()
            .IssueAsync(user.Id, args.Optional("name") ?? "cli", AuditActor.CommandLine);
        await output.WriteLineAsync($"Issued token '{token.Name}' for {email}. It is shown once:");
        await output.WriteLineAsync(token.Token);
        return Ok;
    }

    private static async Task<int> VerifyAuditAsync(IServiceProvider services, CliArguments args, TextWriter output)
    {
        args.AllowOnly();
        var audit = services.GetRequiredService<IAuditLog>();
        var result = await audit.VerifyAsync();
        await audit.RecordAsync(AuditActor.CommandLine, AuditActions.AuditVerified, "audit-trail",
            new { result.IsIntact, result.EventCount, result.HeadSequence, result.FirstBrokenSequence, via = "cli" });
        if (result.IsIntact)
        {
            await output.WriteLineAsync($"Audit trail intact: {result.EventCount} events, head {result.HeadSequence} {result.HeadHash}.");
            return Ok;
        }

        await output.WriteLineAsync($"Audit trail BROKEN at event {result.FirstBrokenSequence}: {result.Problem}");
        return Failed;
    }

    private static async Task<int> WriteAsync(TextWriter output, string line)
    {
        await output.WriteLineAsync(line);
        return Ok;
    }
}

internal sealed class CliUsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs; a name may repeat.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);

    public static CliArguments Parse(IEnumerable<string> args)
    {
        var parsed = new CliArguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new CliUsageException($"Unexpected argument '{name}'.");
            }

            if (!e.MoveNext() || e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliUsageException($"Option {name} needs a value.");
            }

            var key = name[2..];
            if (!parsed.values.TryGetValue(key, out var list))
            {
                parsed.values[key] = list = [];
            }

            list.Add(e.Current);
        }

        return parsed;
    }

    public void AllowOnly(params string[] names)
    {
        var unknown = values.Keys.Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUsageException($"Unknown option --{unknown[0]}.");
        }
    }

    public string Single(string name) =>
        values.TryGetValue(name, out var list) && list.Count == 1 ? list[0]
        : throw new CliUsageException(list is { Count: > 1 } ? $"Option --{name} may be given once." : $"Option --{name} is required.");

    public string? Optional(string name) =>
        values.TryGetValue(name, out var list) ? (list.Count == 1 ? list[0] : throw new CliUsageException($"Option --{name} may be given once.")) : null;

    public IReadOnlyList<string> Many(string name) =>
        values.TryGetValue(name, out var list) ? list : throw new CliUsageException($"Option --{name} is required.");
}
