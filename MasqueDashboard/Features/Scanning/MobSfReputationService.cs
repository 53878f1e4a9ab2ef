using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Scanning;

/// <summary>
/// An external App Reputation Service speaking MobSF's REST API (<c>/api/v1/upload</c>, <c>/api/v1/scan</c>,
/// <c>/api/v1/report_json</c>, key in the <c>Authorization</c> header). Its app-security findings are merged
/// into the built-in report with the service's name as their source. Configured by <c>Scanner:External:*</c>;
/// registered only when a URL is set.
/// </summary>
public sealed class MobSfReputationService(HttpClient http, IOptions<ScannerOptions> options) : IAppReputationService
{
    public const string HttpClientName = "reputation-external";

    private ScannerOptions.ExternalServiceOptions Settings => options.Value.External;

    public string Name => Settings.Name;

    public async Task<ReputationResult> AnalyseAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.Timeout);
        var token = timeout.Token;

        string hash;
        await using (var file = File.OpenRead(request.PackagePath))
        {
            using var content = new StreamContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var form = new MultipartFormDataContent { { content, "file", request.FileName } };
            using var upload = await SendAsync(HttpMethod.Post, "api/v1/upload", form, token);
            hash = upload.RootElement.GetProperty("hash").GetString() ?? throw new InvalidOperationException("The upload answer has no hash.");
        }

        using (var scan = await SendAsync(HttpMethod.Post, "api/v1/scan", new FormUrlEncodedContent([new("hash", hash)]), token))
        {
            // The scan call answers with the report too, but report_json is the documented way to read it.
        }

        using var report = await SendAsync(HttpMethod.Post, "api/v1/report_json", new FormUrlEncodedContent([new("hash", hash)]), token);
        return new ReputationResult(null, FindingsOf(report.RootElement), []);
    }

    /// <summary>MobSF's <c>appsec</c> block: lists under high / warning / info / secure, each item with a title and description.</summary>
    public IReadOnlyList<Finding> FindingsOf(JsonElement report)
    {
        var findings = new List<Finding>();
        if (!report.TryGetProperty("appsec", out var appsec) || appsec.ValueKind != JsonValueKind.Object)
        {
            return findings;
        }

        foreach (var (level, severity) in new[] { ("high", Severity.High), ("warning", Severity.Medium), ("info", Severity.Info) })
        {
            if (!appsec.TryGetProperty(level, out var items) || items.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in items.EnumerateArray().Take(500))
            {
                var title = Text(item, "title") ?? "Finding";
                var section = Text(item, "section") ?? "general";
                findings.Add(new Finding(
                    $"{Name.ToUpperInvariant()}-{section.ToUpperInvariant().Replace(' ', '-')}",
                    severity,
                    Truncate(title, 200),
                    Truncate(Text(item, "description") ?? title, 2000),
                    $"See the {Name} report for details.") { Source = Name });
            }
        }

        return findings;
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, new Uri(new Uri(Settings.Url!.TrimEnd('/') + "/"), path)) { Content = content };
        message.Headers.TryAddWithoutValidation("Authorization", Settings.ApiKey);
        using var response = await http.SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, default, cancellationToken);
    }

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
