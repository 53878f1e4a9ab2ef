namespace MasqueDashboard.Features.Scanning.Provisioning;

/// <summary>
/// A profile as read: its facts, what its CMS signature proves, and what is wrong with its content
/// (mistyped keys, undecodable certificates, a <c>DER-Encoded-Profile</c> that disagrees with the plist).
/// Problems never stop the reading: the scanner turns each into a finding and keeps going.
/// </summary>
public sealed record ProfileReadResult(ProvisioningProfile Profile, SignerVerification Signature, IReadOnlyList<string> Problems);
