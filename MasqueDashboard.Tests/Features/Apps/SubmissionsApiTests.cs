using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;

namespace MasqueDashboard.Tests.Features.Apps;

public sealed class SubmissionsApiTests : IClassFixture<MasqueAppFactory>
{
    private readonly MasqueAppFactory app;

    public SubmissionsApiTests(MasqueAppFactory app) => this.app = app;

    private static MultipartFormDataContent Package(byte[] bytes, string field = "file", string name = "App.ipa")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, field, name } };
    }

    [Fact]
    public async Task A_pipeline_uploads_with_a_token_and_reads_the_submission_back()
    {
        var dev = await app.CreateUserAsync("pipeline@api-apps.test", Roles.Developer);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(dev));
        var bytes = RandomNumberGenerator.GetBytes(2048);

        using var body = Package(bytes);
        var response = await client.PostAsync("api/v1/submissions", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<UploadResponse>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), created!.Sha256);
        using var submission = JsonDocument.Parse(await client.GetStringAsync($"api/v1/submissions/{created.Id}"));
        Assert.Equal(created.Id.ToString(), submission.RootElement.GetProperty("id").GetString());
        Assert.Equal(created.Sha256, submission.RootElement.GetProperty("sha256").GetString());
        foreach (var field in new[] { "status", "bundleId", "version", "teamId", "distribution", "verdict", "riskScore", "signerCertificates", "findings" })
        {
            Assert.True(submission.RootElement.TryGetProperty(field, out _), $"missing {field}");
        }
    }

    [Fact]
    public async Task Anonymous_uploads_get_401_and_auditors_403()
    {
        var auditor = await app.CreateUserAsync("auditor@api-apps.test", Roles.Auditor);
        using var anonymous = app.CreateNoRedirectClient();
        using var auditorClient = app.CreateBearerClient(await app.IssueTokenAsync(auditor));

        using var body1 = Package([1, 2, 3]);
        using var body2 = Package([1, 2, 3]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/v1/submissions", body1)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditorClient.PostAsync("api/v1/submissions", body2)).StatusCode);
    }

    [Fact]
    public async Task A_body_without_a_file_field_is_a_400_problem()
    {
        var dev = await app.CreateUserAsync("nofile@api-apps.test", Roles.Developer);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(dev));

        using var wrongField = Package([1, 2, 3], field: "package");
        using var notMultipart = new ByteArrayContent([1, 2, 3]);
        var a = await client.PostAsync("api/v1/submissions", wrongField);
        var b = await client.PostAsync("api/v1/submissions", notMultipart);

        Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, b.StatusCode);
        Assert.Equal("application/problem+json", b.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_developers_submission_is_404()
    {
        var alice = await app.CreateUserAsync("alice@api-apps.test", Roles.Developer);
        var bob = await app.CreateUserAsync("bob@api-apps.test", Roles.Developer);
        using var aliceClient = app.CreateBearerClient(await app.IssueTokenAsync(alice));
        using var bobClient = app.CreateBearerClient(await app.IssueTokenAsync(bob));
        using var body = Package(RandomNumberGenerator.GetBytes(64));
        var created = await (await aliceClient.PostAsync("api/v1/submissions", body)).Content.ReadFromJsonAsync<UploadResponse>();

        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"api/v1/submissions/{created!.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"api/v1/submissions/{Guid.NewGuid()}")).StatusCode);
    }
}

public sealed class OversizedUploadTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Storage:MaxUploadBytes", "1000");

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task An_oversized_upload_is_a_413_problem()
    {
        var dev = await app.CreateUserAsync("big@api-apps.test", Roles.Developer);
        using var client = app.CreateBearerClient(await app.IssueTokenAsync(dev));
        using var body = new MultipartFormDataContent { { new ByteArrayContent(new byte[5000]), "file", "big.ipa" } };

        var response = await client.PostAsync("api/v1/submissions", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
