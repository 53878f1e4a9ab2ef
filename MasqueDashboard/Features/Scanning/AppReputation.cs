namespace MasqueDashboard.Features.Scanning;

/// <summary>A package to analyse: a file in content-addressed storage and what is known about it.</summary>
public sealed record ScanRequest(string PackagePath, string Sha256, long Size, string FileName);

/// <summary>
/// One App Reputation Service (PRODUCT.md §4). The built-in scanner produces the whole report; an external
/// service contributes findings (with its name as their source) and notes.
/// </summary>
public interface IAppReputationService
{
    string Name { get; }

    Task<ReputationResult> AnalyseAsync(ScanRequest request, CancellationToken cancellationToken);
}

/// <param name="Report">The full report: only the built-in service returns one.</param>
public sealed record ReputationResult(ScanReport? Report, IReadOnlyList<Finding> Findings, IReadOnlyList<string> Notes);

/// <summary>
/// Composes the reputation services: the built-in report is the base; every other service's findings are
/// merged in with their source named. A failing external service does not fail the scan: the report carries
/// a note saying so.
/// </summary>
public sealed class AppReputation(IEnumerable<IAppReputationService> services, ILogger<AppReputation> logger)
{
    public async Task<ScanReport> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = services.ToList();
        var builtIn = all.Single(s => s.Name == Finding.BuiltInSource);
        var baseReport = (await builtIn.AnalyseAsync(request, cancellationToken)).Report
            ?? throw new InvalidOperationException("The built-in scanner returned no report.");

        var findings = baseReport.Findings.ToList();
        var notes = baseReport.Notes.ToList();
        foreach (var external in all.Where(s => s != builtIn))
        {
            try
            {
                var result = await external.AnalyseAsync(request, cancellationToken);
                findings.AddRange(result.Findings.Select(f => f with { Source = external.Name }));
                notes.AddRange(result.Notes);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
            {
                logger.LogWarning(e, "External reputation service {Service} failed for {Sha256}", external.Name, request.Sha256);
                notes.Add($"{external.Name} did not answer ({e.Message}); this report holds the built-in findings only.");
            }
        }

        if (findings.Count == baseReport.Findings.Count && notes.Count == baseReport.Notes.Count)
        {
            return baseReport;
        }

        return baseReport with
        {
            Findings = findings,
            Notes = notes,
            Verdict = baseReport.Verdict == Verdict.Invalid ? Verdict.Invalid : RiskScore.VerdictOf(findings),
            RiskScore = baseReport.RiskScore is null ? null : RiskScore.Compute(findings),
        };
    }
}
