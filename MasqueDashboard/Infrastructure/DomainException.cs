namespace MasqueDashboard.Infrastructure;

/// <summary>What kind of refusal a <see cref="DomainException"/> is; endpoints map it to a status code.</summary>
public enum RefusalKind
{
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
}

/// <summary>
/// A feature service refused a request because of a rule (bad input, a capability the caller lacks,
/// separation of duties). The message is written for the person who asked: pages show it, endpoints
/// return it as RFC 7807 problem details.
/// </summary>
public sealed class DomainException(RefusalKind kind, string message) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;

    public static DomainException Invalid(string message) => new(RefusalKind.Invalid, message);

    public static DomainException Forbidden(string message) => new(RefusalKind.Forbidden, message);

    public static DomainException NotFound(string message) => new(RefusalKind.NotFound, message);

    public static DomainException Conflict(string message) => new(RefusalKind.Conflict, message);

    public static DomainException TooLarge(string message) => new(RefusalKind.TooLarge, message);

    public int StatusCode => Kind switch
    {
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };
}
