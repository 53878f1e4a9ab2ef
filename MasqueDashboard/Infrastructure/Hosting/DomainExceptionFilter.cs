namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>Turns a feature service's refusal into RFC 7807 problem details with its status and message.</summary>
internal sealed class DomainExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DomainException refusal)
        {
            return TypedResults.Problem(
                statusCode: refusal.StatusCode,
                title: refusal.Kind switch
                {
                    RefusalKind.Forbidden => "Forbidden",
                    RefusalKind.NotFound => "Not found",
                    RefusalKind.Conflict => "Conflict",
                    RefusalKind.TooLarge => "Too large",
                    _ => "Invalid request",
                },
                detail: refusal.Message);
        }
    }
}
