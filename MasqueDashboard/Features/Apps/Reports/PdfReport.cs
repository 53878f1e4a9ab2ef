using System.Globalization;
using System.Text;
using MasqueDashboard.Features.Scanning;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MasqueDashboard.Features.Apps.Reports;

/// <summary>
/// A printable scan report (PdfPig's builder, standard fonts): summary, verdict, findings with evidence and
/// remediation, signer certificates, extensions. Standard fonts cover Latin-1 only, so other characters
/// print as '?' — the JSON and SARIF exports keep the exact text.
/// </summary>
public static class PdfReport
{
    private const double Left = 50;
    private const double Top = 800;
    private const double Bottom = 50;
    private const double BodySize = 9;
    private const double LineHeight = 12;
    private const int CharsPerLine = 100;

    public static byte[] Create(SubmissionDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var writer = new Writer(builder, regular, bold);
        var s = detail.Summary;
        var report = detail.Report;

        writer.Line("MasqueDashboard - App Reputation report", 16, bold: true);
        writer.Gap();
        writer.Pair("App", s.AppName ?? s.FileName);
        writer.Pair("Bundle id", s.BundleId ?? "-");
        writer.Pair("Version", s.Version ?? "-");
        writer.Pair("File", $"{s.FileName} ({s.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
        writer.Pair("SHA-256", detail.PackageSha256);
        writer.Pair("Uploaded", $"{s.UploadedAtUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {s.UploaderEmail}");
        writer.Pair("Status", s.Status.ToString());
        if (report is not null)
        {
            writer.Pair("Verdict", $"{report.Verdict}{(report.RiskScore is { } r ? $" (risk {r}/100)" : "")}");
            writer.Pair("Team", report.TeamId ?? "-");
            writer.Pair("Distribution", report.Distribution ?? "-");
            writer.Pair("Scanned", $"{report.ScannedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            writer.Gap();
            writer.Line($"Findings ({report.Findings.Count})", 12, bold: true);
            if (report.Findings.Count == 0)
            {
                writer.Wrap("No findings: every rule passed.");
            }

            foreach (var f in report.Findings.OrderByDescending(f => f.Severity))
            {
                writer.Gap(4);
                writer.Wrap($"[{f.Severity}] {f.RuleId} - {f.Title}{(f.Source == Finding.BuiltInSource ? "" : $" (source: {f.Source})")}", bold: true);
                writer.Wrap($"Evidence: {f.Evidence}");
                writer.Wrap($"What to do: {f.Remediation}");
            }

            writer.Gap();
            writer.Line("Signer certificates", 12, bold: true);
            foreach (var c in report.SignerCertificates)
            {
                writer.Wrap($"{c.Role}: {c.Subject}");
                writer.Wrap($"SHA-1 {c.Sha1}, expires {c.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
            }

            if (report.Extensions.Count > 0)
            {
                writer.Gap();
                writer.Line("Extensions", 12, bold: true);
                foreach (var x in report.Extensions)
                {
                    writer.Wrap($"{x.BundleId ?? x.Path} {x.ExtensionPoint}");
                }
            }

            foreach (var note in report.Notes)
            {
                writer.Gap(4);
                writer.Wrap($"Note: {note}");
            }
        }
        else
        {
            writer.Gap();
            writer.Wrap("The submission has no scan report yet.");
        }

        return builder.Build();
    }

    /// <summary>Keeps what Helvetica's WinAnsi encoding can print; the rest becomes '?'.</summary>
    internal static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c is >= ' ' and <= '~' or >= '\u00A0' and <= '\u00FF' ? c : c is '\t' or '\n' or '\r' ? ' ' : '?');
        }

        return sb.ToString();
    }

    private sealed class Writer(PdfDocumentBuilder builder, PdfDocumentBuilder.AddedFont regularFont, PdfDocumentBuilder.AddedFont boldFont)
    {
        private PdfPageBuilder page = builder.AddPage(PageSize.A4);
        private double y = Top;

        public void Line(string text, double size = BodySize, bool bold = false)
        {
            if (y - LineHeight < Bottom)
            {
                page = builder.AddPage(PageSize.A4);
                y = Top;
            }

            page.AddText(Printable(text), size, new PdfPoint(Left, y), bold ? boldFont : regularFont);
            y -= Math.Max(LineHeight, size * 1.4);
        }

        public void Pair(string label, string value) => Wrap($"{label}: {value}");

        public void Wrap(string text, bool bold = false)
        {
            foreach (var line in Split(Printable(text)))
            {
                Line(line, BodySize, bold);
            }
        }

        public void Gap(double height = LineHeight) => y -= height;

        private static IEnumerable<string> Split(string text)
        {
            var rest = text.AsMemory();
            while (rest.Length > CharsPerLine)
            {
                var cut = rest[..CharsPerLine].Span.LastIndexOf(' ');
                cut = cut <= 0 ? CharsPerLine : cut;
                yield return rest[..cut].ToString();
                rest = rest[cut..].TrimStart();
            }

            yield return rest.ToString();
        }
    }
}
