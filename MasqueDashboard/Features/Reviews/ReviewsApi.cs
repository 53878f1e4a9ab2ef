using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Catalog;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MasqueDashboard.Features.Reviews;

/// <param name="Decision">"approve" or "reject".</param>
/// <param name="Comment">The written justification (at least 10 characters).</param>
/// <param name="OverrideReason">Required to approve a Suspicious or Malicious verdict.</param>
public sealed record ReviewRequest(string? Decision, string? Comment, string? OverrideReason);

public sealed record ReviewResponse(Guid Id, string Status);

public static class ReviewsApi
{
    public static RouteGroupBuilder MapReviewsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/reviews", QueueAsync)
            .WithTags("Reviews").WithName("ReviewQueue").WithSummary("Scanned submissions waiting for a decision, oldest first (SecurityReviewer).");
        api.MapPost("/submissions/{id:guid}/review", ReviewAsync)
            .WithTags("Reviews").WithName("ReviewSubmission")
            .WithSummary("Approves or rejects a scanned submission with a written justification; never by its uploader.");
        api.MapPost("/submissions/{id:guid}/publish", PublishAsync)
            .WithTags("Catalog").WithName("PublishSubmission")
            .WithSummary("Publishes an approved submission to the catalog; never by its uploader nor (by default) its approver.");
        return api;
    }

    private static async Task<Ok<Paged<SubmissionRow>>> QueueAsync(ClaimsPrincipal user, ReviewService reviews, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reviews.QueueAsync(user, new ReviewQuery(Page: page ?? 0, PageSize: pageSize ?? 25), cancellationToken));

    private static async Task<Ok<ReviewResponse>> ReviewAsync(Guid id, ReviewRequest request, HttpContext context, ClaimsPrincipal user, ReviewService reviews, CancellationToken cancellationToken)
    {
        var approve = request.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" => true,
            "reject" => false,
            _ => throw DomainException.Invalid("decision must be \"approve\" or \"reject\"."),
        };
        await reviews.DecideAsync(user, id, new ReviewDecision(approve, request.Comment ?? "", request.OverrideReason), context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Ok(new ReviewResponse(id, approve ? nameof(SubmissionStatus.Approved) : nameof(SubmissionStatus.Rejected)));
    }

    private static async Task<Ok<CatalogAppRow>> PublishAsync(Guid id, HttpContext context, ClaimsPrincipal user, CatalogService catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.PublishAsync(user, id, context.Connection.RemoteIpAddress?.ToString(), cancellationToken));
}
