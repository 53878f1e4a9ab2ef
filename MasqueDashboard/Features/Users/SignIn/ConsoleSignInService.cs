using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Logins;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Users.SignIn;

public enum SignInOutcome
{
    Succeeded,
    RequiresTwoFactor,
    LockedOut,
    Failed,
}

/// <summary>Why a console sign-in failed, as the audit trail records it (PRODUCT.md §8).</summary>
public static class SignInFailureReasons
{
    public const string UnknownUser = "unknown-user";
    public const string BadPassword = "bad-password";
    public const string LockedOut = "locked-out";
    public const string TwoFactorFailed = "2fa-failed";
    public const string NotAllowed = "not-allowed";
}

/// <summary>Where a sign-in attempt came from.</summary>
public sealed record SignInSource(string? ClientIp, string? UserAgent)
{
    public static SignInSource From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var agent = context.Request.Headers.UserAgent.ToString();
        return new(context.Connection.RemoteIpAddress?.ToString(), agent.Length > 256 ? agent[..256] : agent);
    }
}

/// <summary>
/// Console sign-in over Identity's <see cref="SignInManager{TUser}"/>, with every attempt audited and
/// lockout counted within a window: <c>Security:Lockout:MaxFailedAttempts</c> failures within
/// <c>Security:Lockout:Window</c> lock the account (Identity alone counts failures forever).
/// </summary>
public sealed class ConsoleSignInService(
    SignInManager<ApplicationUser> signIn,
    IAuditLog audit,
    SignInRecorder recorder,
    IOptions<SecurityOptions> security,
    TimeProvider time)
{
    private UserManager<ApplicationUser> Users => signIn.UserManager;

    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password, bool rememberMe, SignInSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var user = await Users.FindByEmailAsync(email ?? "");
        if (user is null)
        {
            await RecordFailureAsync(email, null, SignInFailureReasons.UnknownUser, source);
            return SignInOutcome.Failed;
        }

        if (await Users.IsLockedOutAsync(user))
        {
            await RecordFailureAsync(user.Email, user.Id, SignInFailureReasons.LockedOut, source);
            return SignInOutcome.LockedOut;
        }

        await ForgetOldFailuresAsync(user);
        var result = await signIn.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        return await CompleteAsync(user, result, SignInFailureReasons.BadPassword, "password", source);
    }

    public async Task<SignInOutcome> TwoFactorSignInAsync(string code, bool rememberMe, bool rememberMachine, SignInSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var user = await signIn.GetTwoFactorAuthenticationUserAsync()
            ?? throw new InvalidOperationException("Unable to load two-factor authentication user.");
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), rememberMe, rememberMachine);
        return await CompleteAsync(user, result, SignInFailureReasons.TwoFactorFailed, "password+totp", source);
    }

    public async Task<SignInOutcome> RecoveryCodeSignInAsync(string code, SignInSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var user = await signIn.GetTwoFactorAuthenticationUserAsync()
            ?? throw new InvalidOperationException("Unable to load two-factor authentication user.");
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(code.Replace(" ", "", StringComparison.Ordinal));
        return await CompleteAsync(user, result, SignInFailureReasons.TwoFactorFailed, "password+recovery-code", source);
    }

    public async Task SignOutAsync(System.Security.Claims.ClaimsPrincipal user, SignInSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (user?.Identity?.IsAuthenticated == true)
        {
            await audit.RecordAsync(AuditActor.From(user, source.ClientIp), AuditActions.SignedOut, $"user:{Users.GetUserId(user)}", new { userAgent = source.UserAgent });
        }

        await signIn.SignOutAsync();
    }

    /// <summary>
    /// After a user turned 2FA on or off for themselves: audits it and re-issues their cookie, so that the
    /// capability checks see the change at once.
    /// </summary>
    public async Task TwoFactorChangedAsync(ApplicationUser user, bool enabled, SignInSource source)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(source);
        await audit.RecordAsync(new AuditActor(user.Email ?? user.Id, user.Id, source.ClientIp),
            enabled ? AuditActions.TwoFactorEnabled : AuditActions.TwoFactorDisabled, $"user:{user.Id}", new { userAgent = source.UserAgent });
        await signIn.RefreshSignInAsync(user);
    }

    private async Task<SignInOutcome> CompleteAsync(ApplicationUser user, SignInResult result, string failureReason, string method, SignInSource source)
    {
        var actor = new AuditActor(user.Email ?? user.Id, user.Id, source.ClientIp);
        if (result.Succeeded)
        {
            var previous = user.LastSignInAtUtc;
            user.LastSignInAtUtc = time.GetUtcNow().UtcDateTime;
            await Users.UpdateAsync(user);
            await recorder.RecordSuccessAsync(actor, (await Users.GetRolesAsync(user)).ToList(), previous, method, source.UserAgent);
            return SignInOutcome.Succeeded;
        }

        if (result.RequiresTwoFactor)
        {
            return SignInOutcome.RequiresTwoFactor;
        }

        if (result.IsNotAllowed)
        {
            await RecordFailureAsync(user.Email, user.Id, SignInFailureReasons.NotAllowed, source);
            return SignInOutcome.Failed;
        }

        user.LastFailedSignInAtUtc = time.GetUtcNow().UtcDateTime;
        await Users.UpdateAsync(user);
        await RecordFailureAsync(user.Email, user.Id, failureReason, source);
        if (result.IsLockedOut)
        {
            await audit.RecordAsync(actor, AuditActions.LockedOut, $"user:{user.Id}",
                new { until = user.LockoutEnd?.UtcDateTime, failures = security.Value.Lockout.MaxFailedAttempts, userAgent = source.UserAgent });
            return SignInOutcome.LockedOut;
        }

        return SignInOutcome.Failed;
    }

    private async Task ForgetOldFailuresAsync(ApplicationUser user)
    {
        var window = security.Value.Lockout.Window;
        if (user.AccessFailedCount > 0
            && user.LastFailedSignInAtUtc is { } last
            && time.GetUtcNow().UtcDateTime - last > window)
        {
            await Users.ResetAccessFailedCountAsync(user);
        }
    }

    private Task<AuditEvent> RecordFailureAsync(string? email, string? userId, string reason, SignInSource source) =>
        recorder.RecordFailureAsync(
            new AuditActor(string.IsNullOrWhiteSpace(email) ? "anonymous" : email, userId, source.ClientIp),
            userId is null ? $"email:{email}" : $"user:{userId}",
            reason,
            source.UserAgent);
}
