using System.Security.Claims;
using System.Text.Json;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Fleet;

public sealed record DeviceCommandRequest(string? Type, string? Reason, string? BundleId);

public sealed record BulkCommandRequest(IReadOnlyList<long>? DeviceIds, string? Type, string? Reason, string? BundleId);

public sealed record WipeRequestBody(string? Reason);

public sealed record WipeDecisionBody(bool? Approve, string? Comment);

public sealed record HeldBatchDecisionBody(string? Comment);

public sealed record PolicyUpdateBody(int? BasedOnVersion, string? Comment, PolicyDocument? Document);

public static class DevicesApi
{
    private static readonly JsonSerializerOptions ContractJson = new(JsonSerializerDefaults.Web);

    /// <summary>The device contract of PRODUCT.md §6: devices authenticate with the enrolment secret or their device token, not a user's token.</summary>
    public static RouteGroupBuilder MapDeviceContract(this RouteGroupBuilder devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        devices.MapPost("/enroll", EnrollAsync)
            .WithTags("Device contract").WithName("EnrollDevice").WithSummary("Enrols a device with the enrolment secret (X-Enrollment-Secret); re-enrolling a UDID rotates its token.");
        devices.MapPost("/checkin", CheckInAsync)
            .WithTags("Device contract").WithName("CheckInDevice").WithSummary("A device reports its facts, inventory and command results (Bearer device token) and gets its state and commands.");
        return devices;
    }

    public static RouteGroupBuilder MapDevicesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/devices", SearchAsync)
            .WithTags("Devices").WithName("ListDevices").WithSummary("The fleet, paged and filtered (compliance, ruleId, osBelow, supervised, search, carrying).");
        api.MapGet("/devices/{id:long}", GetAsync)
            .WithTags("Devices").WithName("GetDevice").WithSummary("A device with its apps, violations, commands and timeline.");
        api.MapPost("/devices/{id:long}/commands", QueueAsync)
            .WithTags("Devices").WithName("QueueDeviceCommand").WithSummary("Queues Notify, BlockNetwork, UnblockNetwork, RemoveApp or SelectiveWipe on a device.");
        api.MapPost("/devices/commands", QueueBulkAsync)
            .WithTags("Devices").WithName("QueueBulkCommand").WithSummary("Queues one command on up to 1,000 devices.");
        api.MapPost("/devices/{id:long}/wipe-requests", RequestWipeAsync)
            .WithTags("Devices").WithName("RequestFullWipe").WithSummary("Asks for a full wipe; a second EMM administrator approves or denies it.");
        api.MapPost("/wipe-requests/{id:guid}/decision", DecideWipeAsync)
            .WithTags("Devices").WithName("DecideFullWipe").WithSummary("Approves or denies a full-wipe request (never the requester's own).");
        api.MapGet("/held-batches", PendingBatchesAsync)
            .WithTags("Devices").WithName("ListHeldBatches").WithSummary("The batches the mass-action brake holds, waiting for an EMM administrator.");
        api.MapGet("/held-batches/{id:guid}", GetBatchAsync)
            .WithTags("Devices").WithName("GetHeldBatch").WithSummary("One held batch with its commands and devices.");
        api.MapPost("/held-batches/{id:guid}/release", ReleaseBatchAsync)
            .WithTags("Devices").WithName("ReleaseHeldBatch").WithSummary("Queues a held batch's commands for the devices that still fail their rule.");
        api.MapPost("/held-batches/{id:guid}/cancel", CancelBatchAsync)
            .WithTags("Devices").WithName("CancelHeldBatch").WithSummary("Drops a held batch's commands.");
        api.MapGet("/compliance/policies", GetPoliciesAsync)
            .WithTags("Compliance").WithName("GetPolicies").WithSummary("The current compliance policies, their version and history.");
        api.MapPut("/compliance/policies", UpdatePoliciesAsync)
            .WithTags("Compliance").WithName("UpdatePolicies").WithSummary("Saves a new version of the policies and re-evaluates the devices it can affect.");
        return api;
    }

    private static async Task<Results<Ok<EnrollResponse>, ProblemHttpResult>> EnrollAsync(HttpContext http, DeviceContractService contract, IOptions<FleetOptions> options, CancellationToken cancellationToken)
    {
        if (!contract.EnrollmentEnabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Enrolment disabled", detail: "Enrolment is off: the server has no Fleet:EnrollmentSecret.");
        }

        if (!contract.IsEnrollmentSecret(http.Request.Headers["X-Enrollment-Secret"]))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "A valid X-Enrollment-Secret header is required.");
        }

        var (body, problem) = await ReadAsync<EnrollRequest>(http, options.Value.MaxCheckInBytes, cancellationToken);
        return problem ?? (Results<Ok<EnrollResponse>, ProblemHttpResult>)TypedResults.Ok(await contract.EnrollAsync(body, http.Connection.RemoteIpAddress?.ToString(), cancellationToken));
    }

    private static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> CheckInAsync(HttpContext http, DeviceContractService contract, IOptions<FleetOptions> options, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        if (string.IsNullOrEmpty(token))
        {
            return Unauthorized();
        }

        var (body, problem) = await ReadAsync<CheckInRequest>(http, options.Value.MaxCheckInBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var response = await contract.CheckInAsync(token, body, cancellationToken);
        return response is null ? Unauthorized() : TypedResults.Ok(response);

        static ProblemHttpResult Unauthorized() =>
            TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "A valid device token is required: Authorization: Bearer <deviceToken> from enrolment.");
    }

    /// <summary>Reads a JSON body of at most <paramref name="limit"/> bytes: 413 beyond, 400 with the parser's words when malformed.</summary>
    private static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext http, int limit, CancellationToken cancellationToken)
        where T : class
    {
        if (http.Request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, TooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ContractJson);
            return body is null
                ? (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: "The body must be a JSON object."))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
                detail: $"The body is not valid JSON for this endpoint: {e.Message}"));
        }

        static ProblemHttpResult TooLarge(int limit) =>
            TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The body is larger than {limit:N0} bytes.");
    }

    private static async Task<Ok<Paged<DeviceRow>>> SearchAsync(ClaimsPrincipal user, FleetService fleet, string? compliance, string? ruleId, string? osBelow, bool? supervised,
        string? search, string? carrying, int? skip, int? take, CancellationToken cancellationToken)
    {
        ComplianceState? state = compliance is null ? null
            : Enum.TryParse<ComplianceState>(compliance, true, out var parsed) ? parsed
            : throw DomainException.Invalid("compliance must be Compliant, NonCompliant or Quarantined.");
        return TypedResults.Ok(await fleet.SearchAsync(user, new DeviceQuery(state, ruleId, osBelow, supervised, search, carrying, Skip: skip ?? 0, Take: take ?? 50), cancellationToken));
    }

    private static async Task<Ok<DeviceDetail>> GetAsync(long id, ClaimsPrincipal user, FleetService fleet, CancellationToken cancellationToken) =>
        TypedResults.Ok(await fleet.GetAsync(user, id, cancellationToken));

    private static async Task<Accepted<object>> QueueAsync(long id, DeviceCommandRequest? body, HttpContext http, FleetService fleet, CancellationToken cancellationToken)
    {
        var count = await fleet.QueueAsync(http.User, [id], ParseType(body?.Type), body?.Reason, body?.BundleId, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Accepted((string?)null, (object)new { queued = count });
    }

    private static async Task<Accepted<object>> QueueBulkAsync(BulkCommandRequest? body, HttpContext http, FleetService fleet, CancellationToken cancellationToken)
    {
        var count = await fleet.QueueAsync(http.User, body?.DeviceIds ?? [], ParseType(body?.Type), body?.Reason, body?.BundleId, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Accepted((string?)null, (object)new { queued = count });
    }

    private static async Task<Created<FullWipeRow>> RequestWipeAsync(long id, WipeRequestBody? body, HttpContext http, FleetService fleet, CancellationToken cancellationToken) =>
        TypedResults.Created((string?)null, await fleet.RequestFullWipeAsync(http.User, id, body?.Reason, http.Connection.RemoteIpAddress?.ToString(), cancellationToken));

    private static async Task<NoContent> DecideWipeAsync(Guid id, WipeDecisionBody? body, HttpContext http, FleetService fleet, CancellationToken cancellationToken)
    {
        await fleet.DecideFullWipeAsync(http.User, id, body?.Approve ?? throw DomainException.Invalid("approve (true or false) is required."), body.Comment,
            http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<HeldBatchRow>>> PendingBatchesAsync(ClaimsPrincipal user, HeldBatchService batches, CancellationToken cancellationToken) =>
        TypedResults.Ok(await batches.PendingAsync(user, cancellationToken: cancellationToken));

    private static async Task<Ok<HeldBatchRow>> GetBatchAsync(Guid id, ClaimsPrincipal user, HeldBatchService batches, CancellationToken cancellationToken) =>
        TypedResults.Ok(await batches.GetAsync(user, id, cancellationToken: cancellationToken));

    private static async Task<Ok<HeldBatchRelease>> ReleaseBatchAsync(Guid id, HeldBatchDecisionBody? body, HttpContext http, HeldBatchService batches, CancellationToken cancellationToken) =>
        TypedResults.Ok(await batches.ReleaseAsync(http.User, id, body?.Comment, http.Connection.RemoteIpAddress?.ToString(), cancellationToken));

    private static async Task<NoContent> CancelBatchAsync(Guid id, HeldBatchDecisionBody? body, HttpContext http, HeldBatchService batches, CancellationToken cancellationToken)
    {
        await batches.CancelAsync(http.User, id, body?.Comment, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PolicySet>> GetPoliciesAsync(ClaimsPrincipal user, PolicyService policies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await policies.GetAsync(user, cancellationToken));

    private static async Task<Ok<PolicyUpdate>> UpdatePoliciesAsync(PolicyUpdateBody? body, HttpContext http, PolicyService policies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await policies.UpdateAsync(http.User,
            body?.Document ?? throw DomainException.Invalid("document (the whole policy set) is required."),
            body.BasedOnVersion ?? throw DomainException.Invalid("basedOnVersion (the version you edited) is required."),
            body.Comment, http.Connection.RemoteIpAddress?.ToString(), cancellationToken));

    private static CommandType ParseType(string? type) =>
        Enum.TryParse<CommandType>(type, false, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw DomainException.Invalid("type must be Notify, BlockNetwork, UnblockNetwork, RemoveApp or SelectiveWipe.");
}
