namespace MasqueDashboard.Features.Apps;

/// <summary>Audit actions of the submission lifecycle (PRODUCT.md §3, §8).</summary>
public static class SubmissionActions
{
    public const string Uploaded = "submission.uploaded";
    public const string Queued = "submission.queued";
    public const string ScanStarted = "scan.started";
    public const string ScanCompleted = "scan.completed";
    public const string ScanFailed = "scan.failed";
    public const string ScanResumed = "scan.resumed";
    public const string RescanRequested = "scan.rescan-requested";
    public const string Reevaluated = "scan.reevaluation-queued";
    public const string ReturnedToReview = "review.reopened";
    public const string Approved = "review.approved";
    public const string Rejected = "review.rejected";
    public const string Published = "catalog.published";
    public const string Retired = "catalog.retired";
    public const string OwnershipTransferred = "catalog.ownership-transferred";
}
