using System.Net;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error, builder =>
        {
            app.UseSameDatabase(builder);
            builder.Environment.EnvironmentName = "Testing";
        });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Users_add_creates_a_user_who_can_sign_in_and_audits_it()
    {
        var (exit, output, _) = await RunAsync("users", "add", "--email", "ops@cli.test", "--role", "EmmAdmin", "--role", "Auditor", "--password", MasqueAppFactory.Password);

        Assert.Equal(CommandLine.Ok, exit);
        Assert.Contains("ops@cli.test", output, StringComparison.Ordinal);
        using var client = await app.SignInAsync("ops@cli.test");
        var created = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.UserCreated));
        Assert.StartsWith("cli:", created.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_issue_prints_the_token_alone_on_the_last_line_and_it_works()
    {
        await RunAsync("users", "add", "--email", "bot@cli.test", "--role", "Auditor");

        var (exit, output, _) = await RunAsync("tokens", "issue", "--email", "bot@cli.test", "--name", "pipeline");

        Assert.Equal(CommandLine.Ok, exit);
        var token = output.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith("mdt_", token, StringComparison.Ordinal);
        using var client = app.CreateBearerClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/audit/verify")).StatusCode);
    }

    [Fact]
    public async Task Audit_verify_exits_zero_when_intact_and_one_when_tampered()
    {
        await RunAsync("users", "add", "--email", "a@cli.test", "--role", "Auditor");
        await RunAsync("users", "add", "--email", "b@cli.test", "--role", "Auditor");

        var intact = await RunAsync("audit", "verify");
        Assert.Equal(CommandLine.Ok, intact.Exit);
        Assert.Contains("intact", intact.Out, StringComparison.Ordinal);

        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Actor" = 'mallory' WHERE "Sequence" = 1"""));
        var broken = await RunAsync("audit", "verify");
        Assert.Equal(CommandLine.Failed, broken.Exit);
        Assert.Contains("BROKEN at event 1", broken.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_succeeds_on_a_new_database()
    {
        var (exit, output, _) = await RunAsync("db", "migrate");

        Assert.Equal(CommandLine.Ok, exit);
        Assert.Contains("up to date", output, StringComparison.Ordinal);
        if (app.IsPostgres)
        {
            Assert.NotEmpty(await app.WithDbAsync(db => db.Database.GetAppliedMigrationsAsync()));
        }
        else
        {
            Assert.True(File.Exists(Path.Combine(app.DatabaseDirectory, "test.db")));
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("users", "remove")]
    [InlineData("users", "add", "--role", "Auditor")]
    [InlineData("users", "add", "--email", "x@cli.test", "--role", "Auditor", "--colour", "blue")]
    [InlineData("users", "add", "--email")]
    [InlineData("tokens", "issue", "--email", "a@cli.test", "--email", "b@cli.test")]
    public async Task Unknown_verbs_and_bad_arguments_print_usage_and_exit_2(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(CommandLine.Usage, exit);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_refusal_exits_1_with_the_reason()
    {
        var (exit, _, error) = await RunAsync("users", "add", "--email", "dev@cli.test", "--role", "Developer", "--role", "EmmAdmin");

        Assert.Equal(CommandLine.Failed, exit);
        Assert.Contains("cannot be held together", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_usage()
    {
        var (exit, output, _) = await RunAsync("help");

        Assert.Equal(CommandLine.Ok, exit);
        Assert.Contains("tokens issue", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5000" }, false)]
    [InlineData(new[] { "--environment=Development" }, false)]
    [InlineData(new[] { "users", "add" }, true)]
    [InlineData(new[] { "--help" }, true)]
    public void Options_alone_start_the_server_and_a_first_word_names_a_verb(string[] args, bool verb)
    {
        Assert.Equal(verb, CommandLine.IsVerb(args));
    }
}
