namespace MasqueDashboard.Features.Fleet;

// The public device contract of PRODUCT.md §6: what a real agent, an MDM bridge or the simulator sends and receives.
// Property names are the contract (camelCase on the wire).

public sealed record EnrollRequest(string? Udid, string? SerialNumber, string? Model, string? OsVersion, string? Owner, bool? Supervised);

public sealed record EnrollResponse(long DeviceId, string DeviceToken);

public sealed record CheckInRequest(
    long? Sequence,
    string? OsVersion,
    bool? Supervised,
    bool? Jailbroken,
    bool? ContainerEnabled,
    IReadOnlyList<InstalledApp?>? InstalledApps,
    IReadOnlyList<ReportedProvisioningProfile?>? ProvisioningProfiles,
    IReadOnlyList<CommandResult?>? CommandResults);

/// <param name="Sha256">Optional: the package hash, when an agent knows it (matched against the known-bad list).</param>
public sealed record InstalledApp(
    string? BundleId,
    string? Name,
    string? Version,
    string? TeamId,
    string? SignerSha1,
    string? Distribution,
    IReadOnlyList<string?>? UrlSchemes,
    IReadOnlyList<string?>? Extensions,
    bool? Managed = null,
    string? ProfileUuid = null,
    string? Sha256 = null);

public sealed record ReportedProvisioningProfile(string? Uuid, string? Name, string? TeamId, DateTime? ExpiresAt, bool? ProvisionsAllDevices);

public sealed record CommandResult(Guid? CommandId, string? Status, string? Detail);

public sealed record CheckInResponse(
    ComplianceState Compliance,
    IReadOnlyList<ViolationView> Violations,
    IReadOnlyList<CommandView> Commands,
    IReadOnlyList<RejectedResult> Errors);

public sealed record ViolationView(string RuleId, string Detail);

public sealed record CommandView(
    Guid CommandId,
    CommandType Type,
    System.Text.Json.Nodes.JsonObject Payload);

/// <summary>A command result the server did not accept (a command this device was never sent, or one already answered).</summary>
public sealed record RejectedResult(Guid? CommandId, string Detail);
