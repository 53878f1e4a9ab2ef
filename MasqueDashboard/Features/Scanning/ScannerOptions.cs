namespace MasqueDashboard.Features.Scanning;

/// <summary>The <c>Scanner</c> configuration section.</summary>
public sealed class ScannerOptions
{
    public const string Section = "Scanner";

    /// <summary>PEM or DER certificate files trusted as roots in addition to Apple's (test PKIs, labs). Never replaces Apple's.</summary>
    public List<string> TrustedRoots { get; set; } = [];

    /// <summary>How long one stage of a scan may run before it is abandoned with SCAN-STAGE-LIMIT.</summary>
    public TimeSpan StageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a scan is leased to the instance running it. The lease is renewed while the scan runs; when an instance
    /// dies, another takes the scan over once its lease ran out (5 s to an hour).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Optional external reputation service (MobSF-style REST API); off when Url is empty.</summary>
    public ExternalServiceOptions External { get; set; } = new();

    public sealed class ExternalServiceOptions
    {
        public string? Url { get; set; }

        public string? ApiKey { get; set; }

        public string Name { get; set; } = "MobSF";

        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
    }
}
