using System.Security.Claims;
using MasqueDashboard.Features.Apps;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Reviews;

/// <summary>The <c>Workflow</c> configuration section.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Workflow";

    /// <summary>Two-person rule: whoever approved a submission may not also publish it (default true).</summary>
    public bool RequirePublisherDifferentFromApprover { get; set; } = true;
}

public enum DutyStep
{
    Approve,
    Publish,
}

/// <summary>Separation of duties over a <see cref="Submission"/> (PRODUCT.md §2): who may take a step on it.</summary>
public sealed class SeparationOfDutiesRequirement(DutyStep step) : IAuthorizationRequirement
{
    public const string ApprovePolicy = "SeparationOfDuties.Approve";
    public const string PublishPolicy = "SeparationOfDuties.Publish";

    public const string UploaderCannotApprove = "Separation of duties: no one approves a submission they uploaded.";
    public const string UploaderCannotPublish = "Separation of duties: no one publishes a submission they uploaded.";
    public const string ApproverCannotPublish = "Separation of duties (Workflow:RequirePublisherDifferentFromApprover): the publisher must not be the approver.";

    public DutyStep Step { get; } = step;
}

public sealed class SeparationOfDutiesHandler(IOptionsMonitor<WorkflowOptions> workflow)
    : AuthorizationHandler<SeparationOfDutiesRequirement, Submission>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SeparationOfDutiesRequirement requirement, Submission resource)
    {
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var reason = (requirement.Step, userId) switch
        {
            (_, null) => "Sign in first.",
            (DutyStep.Approve, _) when userId == resource.UploaderId => SeparationOfDutiesRequirement.UploaderCannotApprove,
            (DutyStep.Publish, _) when userId == resource.UploaderId => SeparationOfDutiesRequirement.UploaderCannotPublish,
            (DutyStep.Publish, _) when workflow.CurrentValue.RequirePublisherDifferentFromApprover && userId == resource.ReviewerId => SeparationOfDutiesRequirement.ApproverCannotPublish,
            _ => null,
        };
        if (reason is null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, reason));
        }

        return Task.CompletedTask;
    }
}
