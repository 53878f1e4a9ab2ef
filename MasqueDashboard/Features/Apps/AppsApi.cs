using System.Security.Claims;
using MasqueDashboard.Features.Apps.Reports;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MasqueDashboard.Features.Apps;

public sealed record UploadResponse(Guid Id, string Status, string Sha256, Guid? DuplicateOf);

/// <summary>Submissions over the API (PRODUCT.md §10) and the report downloads of the console.</summary>
public static class AppsApi
{
    public static RouteGroupBuilder MapAppsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/submissions").WithTags("Submissions");
        group.MapPost("", UploadAsync)
            .RequireAuthorization(Capabilities.CanUploadApps)
            .WithName("UploadSubmission")
            .WithSummary("Uploads an .ipa (multipart field 'file') and queues it for scanning.")
            .Produces<UploadResponse>(StatusCodes.Status202Accepted);
        group.MapGet("", ListAsync)
            .WithName("ListSubmissions")
            .WithSummary("Submissions, newest first (a Developer sees their own).");
        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetSubmission")
            .WithSummary("A submission with its verdict, risk score, signer certificates and findings.");
        group.MapGet("/{id:guid}/report.sarif", SarifAsync)
            .WithName("GetSubmissionSarif")
            .WithSummary("The scan report as SARIF 2.1.0.");
        group.MapPost("/{id:guid}/rescan", RescanAsync)
            .WithName("RescanSubmission")
            .WithSummary("Queues a new scan (reviewers and administrators; the uploader may retry a failed scan).");
        return api;
    }

    /// <summary>The console's report downloads: the same service, behind the session cookie.</summary>
    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var downloads = app.MapGroup("/apps/submissions/{id:guid}").RequireAuthorization().ExcludeFromDescription()
            .AddEndpointFilter<Infrastructure.Hosting.DomainExceptionFilter>();
        downloads.MapGet("/report.json", async (Guid id, ClaimsPrincipal user, SubmissionService submissions, CancellationToken ct) =>
            TypedResults.Json(SubmissionResponse.From(await submissions.GetAsync(user, id, ct)), SubmissionService.ReportJson, contentType: "application/json"));
        downloads.MapGet("/report.sarif", SarifAsync);
        downloads.MapGet("/report.pdf", async (Guid id, ClaimsPrincipal user, SubmissionService submissions, CancellationToken ct) =>
        {
            var detail = await submissions.GetAsync(user, id, ct);
            return TypedResults.File(PdfReport.Create(detail), "application/pdf", $"{Path.GetFileNameWithoutExtension(detail.Summary.FileName)}-report.pdf");
        });
        return app;
    }

    /// <summary>
    /// Streams the multipart body straight into content-addressed storage: the package is never buffered
    /// whole in memory nor spooled to a temporary form file.
    /// </summary>
    private static async Task<Results<Accepted<UploadResponse>, ProblemHttpResult>> UploadAsync(
        HttpContext context, ClaimsPrincipal user, SubmissionService submissions, CancellationToken cancellationToken)
    {
        // The store enforces Storage:MaxUploadBytes as bytes arrive; Kestrel's 30 MB default would cut in first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = submissions.MaxUploadBytes + (1 << 20);
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: "Send the package as multipart/form-data with a field named 'file'.");
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                && disposition.Name.Value == "file" && disposition.FileName.HasValue)
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "package.ipa";
                var result = await submissions.UploadAsync(user, fileName, section.Body, context.Connection.RemoteIpAddress?.ToString(), cancellationToken: cancellationToken);
                return TypedResults.Accepted($"/api/v1/submissions/{result.Id}", new UploadResponse(result.Id, result.Status.ToString(), result.Sha256, result.DuplicateOfId));
            }
        }

        return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: "The multipart body has no file field named 'file'.");
    }

    private static async Task<Ok<Paged<SubmissionRow>>> ListAsync(
        ClaimsPrincipal user, SubmissionService submissions, SubmissionStatus? status, string? bundleId, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await submissions.ListAsync(user, new SubmissionQuery(status, BundleId: bundleId, Page: page ?? 0, PageSize: pageSize ?? 25), cancellationToken));

    private static async Task<Ok<SubmissionResponse>> GetAsync(Guid id, ClaimsPrincipal user, SubmissionService submissions, CancellationToken cancellationToken) =>
        TypedResults.Ok(SubmissionResponse.From(await submissions.GetAsync(user, id, cancellationToken)));

    private static async Task<IResult> SarifAsync(Guid id, ClaimsPrincipal user, SubmissionService submissions, CancellationToken cancellationToken)
    {
        var detail = await submissions.GetAsync(user, id, cancellationToken);
        if (detail.Report is null)
        {
            throw DomainException.Conflict("The submission has not been scanned yet.");
        }

        using var buffer = new MemoryStream();
        SarifReport.Write(buffer, detail);
        return TypedResults.File(buffer.ToArray(), SarifReport.ContentType, $"{Path.GetFileNameWithoutExtension(detail.Summary.FileName)}.sarif");
    }

    private static async Task<Accepted> RescanAsync(Guid id, HttpContext context, ClaimsPrincipal user, SubmissionService submissions, CancellationToken cancellationToken)
    {
        await submissions.RescanAsync(user, id, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Accepted($"/api/v1/submissions/{id}");
    }
}
