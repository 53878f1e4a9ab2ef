using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Infrastructure;

/// <summary>
/// Two instances as an operator runs them — two processes of the built app on one PostgreSQL — writing at once, and one
/// of them killed with SIGKILL in the middle of a scan (PRODUCT.md §11).
/// </summary>
public sealed class TwoProcessesTests : IAsyncLifetime
{
    private const string Secret = "two-processes-secret";
    private readonly string storage = Directory.CreateTempSubdirectory("masque-two-").FullName;
    private readonly List<AppProcess> instances = [];
    private string? database;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        if (database is not null)
        {
            TestPostgres.DropDatabase(database);
        }

        Directory.Delete(storage, recursive: true);
    }

    [SkippableFact]
    public async Task Writers_on_two_instances_at_once_extend_one_unbroken_audit_chain()
    {
        TestPostgres.RequireOrSkip();
        var (a, b) = (await StartAsync(), await StartAsync());
        using var onA = a.CreateClient();
        using var onB = b.CreateClient();

        using var gate = new SemaphoreSlim(16);
        var enrolments = Enumerable.Range(0, 240).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll")
                {
                    Content = JsonContent.Create(new { udid = $"TWO-PROCESSES-{i:D8}-0000", serialNumber = "F2LN1234", model = "iPhone 6", osVersion = "8.1", owner = "pat@corp.example", supervised = true }),
                };
                request.Headers.Add("X-Enrollment-Secret", Secret);
                using var response = await (i % 2 == 0 ? onA : onB).SendAsync(request);
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        });

        Assert.All(await Task.WhenAll(enrolments), status => Assert.Equal(HttpStatusCode.OK, status));
        await using var db = PostgresMasqueDbContext.Standalone(database!);
        Assert.Equal(240, await db.AuditEvents.CountAsync(e => e.Action == FleetActions.Enrolled));
        var verification = await new AuditLog(new StandaloneContextFactory(() => PostgresMasqueDbContext.Standalone(database!)), TimeProvider.System).VerifyAsync();
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(await db.AuditEvents.CountAsync(), verification.EventCount);
    }

    [SkippableFact]
    public async Task An_instance_killed_mid_scan_loses_nothing_another_finishes_the_scan_once()
    {
        TestPostgres.RequireOrSkip();
        await using var reputation = await SlowReputationService.StartAsync();
        var settings = new Dictionary<string, string> { ["Scanner:External:Url"] = reputation.Url, ["Scanner:External:ApiKey"] = "k", ["Scanner:Lease"] = "00:00:05" };
        var a = await StartAsync(settings);
        var token = await DeveloperTokenAsync();
        using var onA = a.CreateClient();
        onA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var form = new MultipartFormDataContent { { new ByteArrayContent(SamplePackages.Build(new SampleApp())), "file", "Bank.ipa" } };
        using var uploaded = await onA.PostAsync("api/v1/submissions", form);
        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);
        var id = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await reputation.FirstUpload.WaitAsync(TimeSpan.FromSeconds(60)); // A is in the middle of the scan

        var b = await StartAsync(settings);
        a.Kill();
        reputation.Release(); // whatever A left hanging is answered now; A is gone and cannot hear it

        using var onB = b.CreateClient();
        onB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var status = "";
        var until = DateTime.UtcNow.AddSeconds(90);
        while (status is not ("Scanned" or "Invalid" or "Failed") && DateTime.UtcNow < until)
        {
            await Task.Delay(250);
            status = JsonDocument.Parse(await onB.GetStringAsync($"api/v1/submissions/{id}")).RootElement.GetProperty("status").GetString()!;
        }

        Assert.Equal("Scanned", status);
        await using var db = PostgresMasqueDbContext.Standalone(database!);
        var actions = await db.AuditEvents.AsNoTracking().Where(e => e.Target == $"submission:{id}").OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Details }).ToListAsync();
        Assert.Single(actions, e => e.Action == SubmissionActions.ScanCompleted); // finished once
        Assert.Contains(actions, e => e.Action == SubmissionActions.ScanResumed && e.Details.Contains("lease expired", StringComparison.Ordinal));
        Assert.Equal(2, actions.Count(e => e.Action == SubmissionActions.ScanStarted)); // A's attempt and B's
        Assert.True((await new AuditLog(new StandaloneContextFactory(() => PostgresMasqueDbContext.Standalone(database!)), TimeProvider.System).VerifyAsync()).IsIntact);
    }

    private async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        database ??= TestPostgres.CreateDatabase();
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = database, ["Storage:Root"] = storage, ["Fleet:EnrollmentSecret"] = Secret,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var instance = await AppProcess.StartAsync(settings);
        instances.Add(instance);
        return instance;
    }

    /// <summary>A Developer and their token, made with the operator's verbs against the shared database.</summary>
    private async Task<string> DeveloperTokenAsync()
    {
        await Operator.RunAsync(database!, storage, "users", "add", "--email", "dev@two.test", "--role", "Developer", "--password", MasqueAppFactory.Password);
        return await Operator.TokenAsync(database!, storage, "dev@two.test");
    }
}
