using System.Text.Json;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Scanning.Rules;

namespace MasqueDashboard.Features.Apps.Reports;

/// <summary>
/// SARIF 2.1.0 (OASIS) for code-scanning tools: one run, the rules the scanner knows as the driver's rules,
/// one result per finding with its level, message, file inside the package and a security-severity score.
/// </summary>
public static class SarifReport
{
    public const string ContentType = "application/sarif+json";

    public static void Write(Stream output, SubmissionDetail detail)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(detail);
        var report = detail.Report ?? throw new InvalidOperationException("The submission has not been scanned.");
        var ruleIds = RuleDefinitions.All.Select(r => r.Id).ToList();
        foreach (var extra in report.Findings.Select(f => f.RuleId).Where(id => !ruleIds.Contains(id)).Distinct())
        {
            ruleIds.Add(extra);
        }

        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "MasqueDashboard App Reputation");
        w.WriteString("semanticVersion", "1.0.0");
        w.WriteStartArray("rules");
        foreach (var id in ruleIds)
        {
            var rule = RuleDefinitions.Find(id);
            var sample = rule is null ? report.Findings.First(f => f.RuleId == id) : null;
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", rule?.Title ?? sample!.Title);
            w.WriteEndObject();
            w.WriteStartObject("fullDescription");
            w.WriteString("text", rule?.Description ?? sample!.Title);
            w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", rule?.Remediation ?? sample!.Remediation);
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(rule?.Severity ?? sample!.Severity));
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteString("security-severity", SecuritySeverity(rule?.Severity ?? sample!.Severity));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("artifacts");
        w.WriteStartObject();
        w.WriteStartObject("location");
        w.WriteString("uri", detail.Summary.FileName);
        w.WriteEndObject();
        w.WriteNumber("length", detail.Summary.SizeBytes);
        w.WriteStartObject("hashes");
        w.WriteString("sha-256", detail.PackageSha256);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartArray("results");
        foreach (var f in report.Findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.RuleId);
            w.WriteNumber("ruleIndex", ruleIds.IndexOf(f.RuleId));
            w.WriteString("level", Level(f.Severity));
            w.WriteStartObject("message");
            w.WriteString("text", $"{f.Title}. {f.Evidence}");
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", f.Path is null ? detail.Summary.FileName : $"{detail.Summary.FileName}/{f.Path}");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("properties");
            w.WriteString("severity", f.Severity.ToString());
            w.WriteString("source", f.Source);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteString("verdict", report.Verdict.ToString());
        if (report.RiskScore is { } score)
        {
            w.WriteNumber("riskScore", score);
        }

        w.WriteString("bundleId", report.App?.BundleId);
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>SARIF levels: error for Critical and High, warning for Medium, note below.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub code scanning's 0.0–10.0 scale.</summary>
    private static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };
}
