using System.Net;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// The real app over a temporary SQLite file — or, with <c>MASQUE_TEST_DATABASE=Postgres</c>, a database of its own
/// on the tests' PostgreSQL (<see cref="TestPostgres"/>) — in the "Testing" environment (no demo data), with a fake
/// clock that starts at the real now. One factory per test class; each test adds the users it needs.
/// </summary>
public class MasqueAppFactory : WebApplicationFactory<Program>
{
    public const string Password = "Correct-Horse-9!";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "masque-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> settings = new(StringComparer.Ordinal);
    private readonly bool ownsDatabase = true;

    /// <summary>
    /// A second instance of the app on the database and package storage of <paramref name="first"/>, as two servers
    /// behind a load balancer share them (PRODUCT.md §11); <paramref name="first"/> keeps and removes them.
    /// </summary>
    public static MasqueAppFactory SharingDatabaseOf(MasqueAppFactory first) => new(first);

    private MasqueAppFactory(MasqueAppFactory first)
        : this()
    {
        ArgumentNullException.ThrowIfNull(first);
        foreach (var key in new[] { "ConnectionStrings:Sqlite", "ConnectionStrings:Postgres", "Database:Provider", "Storage:Root" })
        {
            if (first.settings.TryGetValue(key, out var value))
            {
                settings[key] = value;
            }
        }

        if (PostgresConnectionString is { } own)
        {
            TestPostgres.DropDatabase(own);
        }

        PostgresConnectionString = first.PostgresConnectionString;
        ownsDatabase = false;
        Time = first.Time; // one clock for both instances, as servers synchronised by NTP
    }

    public MasqueAppFactory()
    {
        Directory.CreateDirectory(directory);
        settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "test.db")}";
        if (TestPostgres.IsSelected)
        {
            PostgresConnectionString = TestPostgres.CreateDatabase();
            settings["Database:Provider"] = DatabaseOptions.Postgres;
            settings["ConnectionStrings:Postgres"] = PostgresConnectionString;
        }

        settings["Security:RequireTwoFactorForPrivilegedRoles"] = "false";
        settings["Storage:Root"] = Path.Combine(directory, "packages");
        // Tests run the scheduled work when they mean to (FleetRetention.PruneAsync, EscalationWorker.SweepAsync,
        // SiemForwarder.ForwardOnceAsync): the scheduler runs on the real clock and would otherwise land mid-test.
        settings["Fleet:Retention:Interval"] = "40.00:00:00";
        settings["Fleet:EscalationInterval"] = "40.00:00:00";
        settings["Siem:PollInterval"] = "01:00:00";
    }

    /// <summary>The app's clock, started at the real now to the whole microsecond: what both databases store exactly.</summary>
    public FakeTimeProvider Time { get; private set; } = new(new DateTimeOffset(MasqueDashboard.Features.Audit.AuditChain.ToStoredTime(DateTimeOffset.UtcNow)));

    /// <summary>The app's own PostgreSQL database, when the suite runs on PostgreSQL; else null (SQLite).</summary>
    public string? PostgresConnectionString { get; }

    public bool IsPostgres => PostgresConnectionString is not null;

    public string DatabaseDirectory => directory;

    /// <summary>Points a command-line run (<c>CommandLine.RunAsync</c>'s configure) at this app's database.</summary>
    public void UseSameDatabase(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var key in new[] { "ConnectionStrings:Sqlite", "ConnectionStrings:Postgres", "Database:Provider" })
        {
            if (settings.TryGetValue(key, out var value))
            {
                builder.Configuration[key] = value;
            }
        }
    }

    /// <summary>Trusts the test PKI's root (Scanner:TrustedRoots), as a lab would; call before the first request.</summary>
    public MasqueAppFactory TrustingTestPki()
    {
        var path = Path.Combine(directory, "test-root.pem");
        File.WriteAllText(path, TestPki.Shared.Root.ExportCertificatePem());
        return With("Scanner:TrustedRoots:0", path);
    }

    /// <summary>Overrides a configuration key; call before the first request.</summary>
    public MasqueAppFactory With(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Static web assets (MudBlazor, _framework, lib/) are mapped from the build output only in Development by default.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientIpFilter>();
        });
    }

    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.BaseAddress = new Uri("http://localhost/");
    }

    /// <summary>Starts the app (and so migrates the database) if it has not started yet.</summary>
    public IServiceProvider App
    {
        get
        {
            StartServer();
            return Services;
        }
    }

    public async Task<string> CreateUserAsync(string email, params string[] roles)
    {
        await using var scope = App.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserAdministrationService>()
            .CreateAsync(AuditActor.System, email, roles, Password);
        return created.Id;
    }

    public async Task<string> IssueTokenAsync(string userId, string name = "test")
    {
        var issued = await App.GetRequiredService<ApiTokenService>().IssueAsync(userId, name, AuditActor.System);
        return issued.Token;
    }

    /// <summary>The request header a test sets to choose the caller's address (the test server has none).</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    public HttpClient CreateNoRedirectClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public HttpClient CreateBearerClient(string token)
    {
        var client = CreateNoRedirectClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Signs in through the real login form (antiforgery token and all); returns a client carrying the cookie.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = Password)
    {
        var client = CreateNoRedirectClient();
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}");
        }

        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync("Account/Login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync("Account/Login", form);
    }

    public async Task<T> WithDbAsync<T>(Func<MasqueDbContext, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var db = await App.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (PostgresConnectionString is { } postgres && ownsDatabase)
            {
                TestPostgres.DropDatabase(postgres);
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>Gives a test request the remote address named by <see cref="MasqueAppFactory.ClientIpHeader"/>.</summary>
internal sealed class TestClientIpFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[MasqueAppFactory.ClientIpHeader].ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
