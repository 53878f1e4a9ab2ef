using System.Globalization;
using System.Text.Json;
using CsvHelper;
using MasqueDashboard.Features.Apps.Reports;
using MiniExcelLibs;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MasqueDashboard.Features.Audit.Exports;

/// <summary>One audit event as a spreadsheet row (MiniExcel names the columns after the properties).</summary>
public sealed class AuditExportRow
{
    public long Sequence { get; init; }

    public string OccurredAtUtc { get; init; } = "";

    public string Actor { get; init; } = "";

    public string? ActorId { get; init; }

    public string Action { get; init; } = "";

    public string? Target { get; init; }

    public string Details { get; init; } = "{}";

    public string? ClientIp { get; init; }

    public string PreviousHash { get; init; } = "";

    public string Hash { get; init; } = "";
}

/// <summary>The four file formats. Every column of the event is written, hashes included, so the chain can be re-checked from the file.</summary>
internal static class AuditExportWriters
{
    public static readonly string[] Columns = ["sequence", "occurredAtUtc", "actor", "actorId", "action", "target", "details", "clientIp", "previousHash", "hash"];

    /// <summary>The chain's own time format (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>), written digit by digit: a format string per row is slow at a million rows.</summary>
    public static string Time(DateTime t) => string.Create(27, t, static (span, time) =>
    {
        static void Put(Span<char> s, int at, int value, int width)
        {
            for (var i = at + width - 1; i >= at; i--)
            {
                s[i] = (char)('0' + (value % 10));
                value /= 10;
            }
        }

        Put(span, 0, time.Year, 4);
        span[4] = '-';
        Put(span, 5, time.Month, 2);
        span[7] = '-';
        Put(span, 8, time.Day, 2);
        span[10] = 'T';
        Put(span, 11, time.Hour, 2);
        span[13] = ':';
        Put(span, 14, time.Minute, 2);
        span[16] = ':';
        Put(span, 17, time.Second, 2);
        span[19] = '.';
        Put(span, 20, (int)(time.Ticks % TimeSpan.TicksPerSecond / 10), 6);
        span[26] = 'Z';
    });

    /// <summary>CSV injection (OWASP): a text cell starting with <c>= + - @</c>, tab or CR gets a leading apostrophe, so a spreadsheet opens it as text.</summary>
    internal static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    /// <summary>Writes slices of UTF-8 rows (<see cref="Utf8Rows"/>) as CSV, returning each slice's buffers once written.</summary>
    public static async Task<long> WriteCsvAsync(Stream output, IAsyncEnumerable<Utf8Rows> slices, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        await csv.WriteRecordAsync(Columns, cancellationToken);
        long rows = 0;
        await foreach (var slice in slices.WithCancellation(cancellationToken))
        {
            using (slice)
            {
                for (var row = 0; row < slice.Count; row++)
                {
                    for (var column = 0; column < Utf8Rows.Columns; column++)
                    {
                        csv.WriteField(slice.Field(row, column));
                    }

                    await csv.EndRecordAsync(cancellationToken);
                }

                rows += slice.Count;
            }
        }

        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    public static async Task<long> WriteJsonAsync(Stream output, IAsyncEnumerable<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartArray();
        long rows = 0;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", e.Sequence);
            json.WriteString("occurredAtUtc", Time(e.OccurredAtUtc));
            json.WriteString("actor", e.Actor);
            json.WriteString("actorId", e.ActorId);
            json.WriteString("action", e.Action);
            json.WriteString("target", e.Target);
            json.WriteString("details", e.Details);
            json.WriteString("clientIp", e.ClientIp);
            json.WriteString("previousHash", e.PreviousHash);
            json.WriteString("hash", e.Hash);
            json.WriteEndObject();
            rows++;
            if (json.BytesPending > 1 << 16)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        await json.FlushAsync(cancellationToken);
        return rows;
    }

    public static long WriteXlsx(Stream output, IEnumerable<AuditEvent> events)
    {
        long rows = 0;
        IEnumerable<AuditExportRow> Rows()
        {
            foreach (var e in events)
            {
                rows++;
                yield return new AuditExportRow
                {
                    Sequence = e.Sequence,
                    OccurredAtUtc = Time(e.OccurredAtUtc),
                    Actor = e.Actor,
                    ActorId = e.ActorId,
                    Action = e.Action,
                    Target = e.Target,
                    Details = e.Details,
                    ClientIp = e.ClientIp,
                    PreviousHash = e.PreviousHash,
                    Hash = e.Hash,
                };
            }
        }

        output.SaveAs(Rows(), sheetName: "Audit events", excelType: ExcelType.XLSX);
        return rows;
    }

    public static async Task<long> WritePdfAsync(Stream output, IAsyncEnumerable<AuditEvent> events, int cap, AuditExportFilters filters, AuditChainHead head, string? note, CancellationToken cancellationToken)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var page = new PdfPage(builder, regular, bold);
        page.Line("MasqueDashboard - audit trail export", 14, bold: true);
        page.Line(string.Create(CultureInfo.InvariantCulture,
            $"Filters: from {filters.FromUtc?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, to {filters.ToUtc?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, actor {filters.Actor ?? "-"}, action {filters.Action ?? "-"}, target {filters.Target ?? "-"}, text {filters.Text ?? "-"}"));
        page.Line($"Chain head at export: event {head.Sequence}, hash {head.Hash}");
        if (note is not null)
        {
            page.Line(note, bold: true);
        }

        page.Line("#        Time (UTC)            Actor                          Action                         Target / details", bold: true);
        long rows = 0;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            if (rows >= cap)
            {
                break;
            }

            page.Line(string.Create(CultureInfo.InvariantCulture,
                $"{e.Sequence,-8} {e.OccurredAtUtc:yyyy-MM-dd HH:mm:ss}   {Clip(e.Actor, 30),-30} {Clip(e.Action, 30),-30} {Clip($"{e.Target} {e.Details}", 70)}"));
            rows++;
        }

        var bytes = builder.Build();
        await output.WriteAsync(bytes, cancellationToken);
        return rows;
    }

    internal static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "~";

    /// <summary>Landscape A4 pages of lines in Helvetica (7 point unless told): one event, one line.</summary>
    internal sealed class PdfPage(PdfDocumentBuilder builder, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold)
    {
        private const double Left = 30;
        private const double Bottom = 30;
        private static readonly PdfRectangle Landscape = new(0, 0, 842, 595);
        private PdfPageBuilder page = builder.AddPage(842, 595);
        private double y = Landscape.Height - 30;

        public void Line(string text, double size = 7, bool bold = false)
        {
            if (y - 10 < Bottom)
            {
                page = builder.AddPage(842, 595);
                y = Landscape.Height - 30;
            }

            page.AddText(PdfReport.Printable(text), size, new PdfPoint(Left, y), bold ? boldFont : regularFont);
            y -= Math.Max(9, size * 1.4);
        }

        private readonly PdfDocumentBuilder.AddedFont regularFont = regular;
        private readonly PdfDocumentBuilder.AddedFont boldFont = bold;
    }
}
