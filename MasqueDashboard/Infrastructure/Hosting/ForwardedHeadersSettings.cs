using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the reverse proxies (nginx, a load balancer) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Nobody else's are: a client that sends the headers itself changes nothing.
/// With none listed the headers are ignored altogether (ASP.NET Core's own default of trusting loopback is dropped).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be peeled off <c>X-Forwarded-For</c> (1: one proxy in front).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool IsEnabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>The first entry that is not an address or a network, or null when every entry reads.</summary>
    public string? FirstInvalid() =>
        KnownProxies.FirstOrDefault(p => !IPAddress.TryParse(p, out _)) ?? KnownNetworks.FirstOrDefault(n => !System.Net.IPNetwork.TryParse(n, out _));

    public void Apply(ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = ForwardLimit;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
