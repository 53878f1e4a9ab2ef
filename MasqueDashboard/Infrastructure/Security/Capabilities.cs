namespace MasqueDashboard.Infrastructure.Security;

/// <summary>
/// Authorization policy names, one per capability of PRODUCT.md §2. Pages, endpoints and services name
/// these, never role strings; <see cref="Definitions"/> is the single place that says which roles hold each.
/// </summary>
public static class Capabilities
{
    public const string CanUploadApps = nameof(CanUploadApps);
    public const string CanViewAllSubmissions = nameof(CanViewAllSubmissions);
    public const string CanReviewApps = nameof(CanReviewApps);
    public const string CanPublishApps = nameof(CanPublishApps);
    public const string CanRescanApps = nameof(CanRescanApps);
    public const string CanReadSigners = nameof(CanReadSigners);
    public const string CanManageSigners = nameof(CanManageSigners);
    public const string CanReadFleet = nameof(CanReadFleet);
    public const string CanManageFleet = nameof(CanManageFleet);
    public const string CanApproveWipes = nameof(CanApproveWipes);
    public const string CanReadAudit = nameof(CanReadAudit);
    public const string CanAcknowledgeAlerts = nameof(CanAcknowledgeAlerts);
    public const string CanManageUsers = nameof(CanManageUsers);
    public const string CanReadSiem = nameof(CanReadSiem);
    public const string CanManageSiem = nameof(CanManageSiem);

    /// <param name="Name">The policy name.</param>
    /// <param name="Roles">Roles that hold the capability.</param>
    /// <param name="ChangesState">True for actions (not reads): privileged roles need two-factor authentication for them.</param>
    public sealed record Definition(string Name, IReadOnlyList<string> Roles, bool ChangesState);

    public static IReadOnlyList<Definition> Definitions { get; } =
    [
        new(CanUploadApps, [Security.Roles.Developer, Security.Roles.EmmAdmin], ChangesState: true),
        new(CanViewAllSubmissions, [Security.Roles.SecurityReviewer, Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: false),
        new(CanReviewApps, [Security.Roles.SecurityReviewer], ChangesState: true),
        new(CanPublishApps, [Security.Roles.SecurityReviewer, Security.Roles.EmmAdmin], ChangesState: true),
        new(CanRescanApps, [Security.Roles.SecurityReviewer, Security.Roles.EmmAdmin], ChangesState: true),
        new(CanReadSigners, [Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: false),
        new(CanManageSigners, [Security.Roles.EmmAdmin], ChangesState: true),
        new(CanReadFleet, [Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: false),
        new(CanManageFleet, [Security.Roles.EmmAdmin], ChangesState: true),
        new(CanApproveWipes, [Security.Roles.EmmAdmin], ChangesState: true),
        new(CanReadAudit, [Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: false),
        new(CanAcknowledgeAlerts, [Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: true),
        new(CanManageUsers, [Security.Roles.EmmAdmin], ChangesState: true),
        new(CanReadSiem, [Security.Roles.EmmAdmin, Security.Roles.Auditor], ChangesState: false),
        new(CanManageSiem, [Security.Roles.EmmAdmin], ChangesState: true),
    ];
}
