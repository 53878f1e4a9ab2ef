namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// How a profile lets an app be installed, derived in DOMAIN §4's order: a profile for another platform
/// first (a macOS Developer ID profile also provisions all devices), then In-House, development, ad hoc,
/// and App Store for the rest.
/// </summary>
public enum DistributionType
{
    AppStore,
    AdHoc,
    Development,
    Enterprise,
    NotIos,
}
