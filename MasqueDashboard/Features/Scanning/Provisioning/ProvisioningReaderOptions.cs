using MasqueDashboard.Features.Scanning.Plist;

namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>Limits and clock for <see cref="ProvisioningProfileReader"/>.</summary>
public sealed record ProvisioningReaderOptions
{
    public static ProvisioningReaderOptions Default { get; } = new();

    /// <summary>
    /// Input longer than this is refused before any decoding. Real profiles are tens of KiB (a development
    /// profile with 100 devices and a dozen certificates is under 40 KiB); 1 MiB leaves room for any of them.
    /// </summary>
    public int MaxBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1024 * 1024;

    /// <summary>Limits for the profile's property list.</summary>
    public PlistReaderOptions Plist
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = PlistReaderOptions.Default;

    /// <summary>
    /// The clock used only when a signed profile gives no time to judge its chain at: no signingTime
    /// attribute and no CreationDate.
    /// </summary>
    public TimeProvider TimeProvider
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = TimeProvider.System;
}
