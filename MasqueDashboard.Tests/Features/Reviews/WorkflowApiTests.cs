using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MasqueDashboard.Features.Reviews;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Reviews;

/// <summary>The same workflow through the API with each role's token: refusals are 403 problem details naming the rule.</summary>
public sealed class WorkflowApiTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().TrustingTestPki();

    public void Dispose() => app.Dispose();

    private async Task<HttpClient> ClientAsync(string role)
    {
        var id = await app.CreateUserAsync($"{role}-{Guid.NewGuid():N}@api-flow.test", role);
        return app.CreateBearerClient(await app.IssueTokenAsync(id));
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_pipeline_of_roles_reviews_publishes_and_revokes_through_the_api()
    {
        var devId = await app.CreateUserAsync("dev@api-flow.test", Roles.Developer);
        using var reviewer = await ClientAsync(Roles.SecurityReviewer);
        using var admin = await ClientAsync(Roles.EmmAdmin);
        using var auditor = await ClientAsync(Roles.Auditor);
        using var dev = app.CreateBearerClient(await app.IssueTokenAsync(devId));

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/v1/signers", new { teamId = TestPki.TeamId, name = "Example Corp", certificateSha1 = (string?)null })).StatusCode);
        var id = await app.UploadAndScanAsync(devId, SamplePackages.Build(new SampleApp()));

        var devReview = await dev.PostAsJsonAsync($"api/v1/submissions/{id}/review", new { decision = "approve", comment = "I think my own app is fine." });
        Assert.Equal(HttpStatusCode.Forbidden, devReview.StatusCode);
        var badDecision = await reviewer.PostAsJsonAsync($"api/v1/submissions/{id}/review", new { decision = "maybe", comment = "Not sure about this one." });
        Assert.Equal(HttpStatusCode.BadRequest, badDecision.StatusCode);
        var approve = await reviewer.PostAsJsonAsync($"api/v1/submissions/{id}/review", new { decision = "approve", comment = "Clean report from our own team." });
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);

        using (var decided = JsonDocument.Parse(await dev.GetStringAsync($"api/v1/submissions/{id}")))
        {
            Assert.Equal("Clean report from our own team.", decided.RootElement.GetProperty("review").GetProperty("justification").GetString());
        }

        var selfPublish = await reviewer.PostAsync($"api/v1/submissions/{id}/publish", null);
        Assert.Equal(HttpStatusCode.Forbidden, selfPublish.StatusCode);
        Assert.Equal(SeparationOfDutiesRequirement.ApproverCannotPublish, await DetailAsync(selfPublish));
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"api/v1/submissions/{id}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/v1/submissions/{id}/publish", null)).StatusCode);

        using var catalog = JsonDocument.Parse(await auditor.GetStringAsync("api/v1/catalog"));
        var entry = Assert.Single(catalog.RootElement.EnumerateArray());
        Assert.Equal("com.example.bank", entry.GetProperty("bundleId").GetString());

        var sha1 = MasqueDashboard.Features.Scanning.Provisioning.SigningCertificate.From(TestPki.Shared.Distribution).Sha1;
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"api/v1/signers/{sha1}/revoke", new { reason = "Auditors cannot revoke." })).StatusCode);
        var revoke = await admin.PostAsJsonAsync($"api/v1/signers/{sha1}/revoke", new { reason = "Private key leaked." });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var signers = JsonDocument.Parse(await auditor.GetStringAsync("api/v1/signers"));
        Assert.Equal(sha1, signers.RootElement.GetProperty("revoked")[0].GetProperty("sha1").GetString());
    }

    [Theory]
    [InlineData(Roles.Developer, HttpStatusCode.Forbidden)]
    [InlineData(Roles.SecurityReviewer, HttpStatusCode.Forbidden)]
    [InlineData(Roles.EmmAdmin, HttpStatusCode.OK)]
    [InlineData(Roles.Auditor, HttpStatusCode.OK)]
    public async Task Signers_are_read_by_admins_and_auditors(string role, HttpStatusCode expected)
    {
        using var client = await ClientAsync(role);

        Assert.Equal(expected, (await client.GetAsync("api/v1/signers")).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.SecurityReviewer)]
    [InlineData(Roles.Auditor)]
    public async Task Only_emm_admins_trust_signers(string role)
    {
        using var client = await ClientAsync(role);

        var response = await client.PostAsJsonAsync("api/v1/signers", new { teamId = "ABCDE12345", name = "Example" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_team_ids_and_fingerprints_are_400s()
    {
        using var admin = await ClientAsync(Roles.EmmAdmin);

        var team = await admin.PostAsJsonAsync("api/v1/signers", new { teamId = "abc", name = "Example" });
        var sha = await admin.PostAsJsonAsync("api/v1/signers/not-a-sha1/revoke", new { reason = "Because I say so." });

        Assert.Equal(HttpStatusCode.BadRequest, team.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, sha.StatusCode);
    }

    [Theory]
    [InlineData("api/v1/catalog")]
    [InlineData("api/v1/signers")]
    [InlineData("api/v1/reviews")]
    public async Task Workflow_endpoints_refuse_anonymous_calls(string path)
    {
        using var client = app.CreateNoRedirectClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }
}
