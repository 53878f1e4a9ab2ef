using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Audit.Exports;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace MasqueDashboard.Tests.Features.Audit.Exports;

public sealed class AuditExportTests : IDisposable
{
    private static readonly string[] Hostile = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "say \"hi\", then\nleave\r\nquietly"];

    private readonly MasqueAppFactory app = new();

    public void Dispose() => app.Dispose();

    private IAuditLog Audit => app.App.GetRequiredService<IAuditLog>();

    private async Task<HttpClient> AuditorAsync()
    {
        var id = await app.CreateUserAsync($"auditor-{Guid.NewGuid():N}@exports.test", Roles.Auditor);
        return app.CreateBearerClient(await app.IssueTokenAsync(id));
    }

    /// <summary>Three events by alice with action test.keep, two others that the filters must leave out.</summary>
    private async Task SeedAsync()
    {
        await Audit.RecordAsync(new AuditActor("alice@corp.test", null, "10.0.0.1"), "test.keep", "device:1", new { n = 1 });
        await Audit.RecordAsync(new AuditActor("bob@corp.test", null, null), "test.keep", "device:2");
        await Audit.RecordAsync(new AuditActor("alice@corp.test", null, null), "test.keep", "device:3", new { note = "needle" });
        await Audit.RecordAsync(new AuditActor("alice@corp.test", null, null), "test.other", "device:4");
        await Audit.RecordAsync(new AuditActor("alice@corp.test", null, null), "test.keep", "device:5");
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("xlsx")]
    [InlineData("pdf")]
    public async Task Each_format_holds_exactly_the_rows_the_filters_select(string format)
    {
        await SeedAsync();
        using var client = await AuditorAsync();

        using var response = await client.GetAsync($"api/v1/audit/events?format={format}&actor=alice&action=test.keep");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AuditExportService.ContentType(AuditExportService.ParseFormat(format)), response.Content.Headers.ContentType?.MediaType);
        var targets = format switch
        {
            "csv" => ParseCsv(Encoding.UTF8.GetString(bytes)).Skip(1).Select(r => r[5]).ToList(),
            "json" => JsonDocument.Parse(bytes).RootElement.EnumerateArray().Select(e => e.GetProperty("target").GetString()!).ToList(),
            "xlsx" => MiniExcel.Query<AuditExportRow>(new MemoryStream(bytes), excelType: ExcelType.XLSX).Select(r => r.Target!).ToList(),
            _ => PdfTargets(bytes),
        };
        Assert.Equal(["device:1", "device:3", "device:5"], targets);

        var manifest = await ManifestAsync(client, response);
        Assert.Equal(3, manifest.GetProperty("rowCount").GetInt64());
        Assert.Equal(format, manifest.GetProperty("format").GetString());
        Assert.Equal("alice", manifest.GetProperty("filters").GetProperty("actor").GetString());
        Assert.Equal("test.keep", manifest.GetProperty("filters").GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task Time_range_target_and_details_text_filter_the_export(string format)
    {
        await SeedAsync();
        using var client = await AuditorAsync();
        var now = app.Time.GetUtcNow();

        // Each answer as rows of (action, target), whatever the format.
        async Task<List<(string Action, string Target)>> RowsAsync(string query)
        {
            var body = await client.GetStringAsync($"api/v1/audit/events?format={format}&{query}");
            return format == "json"
                ? JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!)).ToList()
                : ParseCsv(body).Skip(1).Select(r => (r[4], r[5])).ToList();
        }

        var inRange = await RowsAsync($"action=test.&from={now.AddMinutes(-1):O}&to={now.AddMinutes(1):O}".Replace("+", "%2B", StringComparison.Ordinal));
        var outOfRange = await RowsAsync($"action=test.&to={now.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}");
        var byTarget = await RowsAsync("target=device:4");
        var byText = await RowsAsync("text=needle");

        Assert.Equal(5, inRange.Count);
        Assert.Empty(outOfRange);
        Assert.Equal("test.other", Assert.Single(byTarget).Action);
        Assert.Equal("device:3", Assert.Single(byText).Target);
    }

    [Fact]
    public async Task Csv_cells_that_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe()
    {
        foreach (var value in Hostile)
        {
            await Audit.RecordAsync(new AuditActor(value, null, null), "test.hostile", value);
        }

        using var client = await AuditorAsync();
        var csv = await client.GetStringAsync("api/v1/audit/events?format=csv&action=test.hostile");
        var rows = ParseCsv(csv);

        Assert.Equal(AuditExportWriters.Columns, rows[0]);
        var expected = Hostile.Select(v => v[0] is '=' or '+' or '-' or '@' ? "'" + v : v).ToList();
        Assert.Equal(expected, rows.Skip(1).Select(r => r[2]).ToList());
        Assert.Equal(expected, rows.Skip(1).Select(r => r[5]).ToList());
        Assert.DoesNotContain(rows.Skip(1).SelectMany(r => r), cell => cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r');
    }

    [Fact]
    public async Task The_manifest_hashes_the_downloaded_bytes_and_names_the_chain_head_and_the_export_is_audited()
    {
        await SeedAsync();
        using var client = await AuditorAsync();
        (await client.GetAsync("api/v1/me")).EnsureSuccessStatusCode(); // the token's first use this hour is itself audited
        var before = await Audit.VerifyAsync();

        using var response = await client.GetAsync("api/v1/audit/events?format=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var manifest = await ManifestAsync(client, response);

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(sha256, manifest.GetProperty("sha256").GetString());
        Assert.Equal(sha256, response.Headers.GetValues(AuditExportsApi.Sha256Header).Single());
        Assert.Equal(bytes.Length, manifest.GetProperty("bytes").GetInt64());
        Assert.Equal(before.HeadSequence, manifest.GetProperty("chainHead").GetProperty("sequence").GetInt64());
        Assert.Equal(before.HeadHash, manifest.GetProperty("chainHead").GetProperty("hash").GetString());
        var csvRows = ParseCsv(Encoding.UTF8.GetString(bytes)).Skip(1).ToList();
        var stored = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Sequence <= before.HeadSequence).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(stored.Select(e => new[] { e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditExportWriters.Time(e.OccurredAtUtc), e.Actor, e.ActorId ?? "", e.Action, e.Target ?? "", e.Details, e.ClientIp ?? "", e.PreviousHash, e.Hash }),
            csvRows);
        Assert.Equal(response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), manifest.GetProperty("fileName").GetString());

        var exported = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.Equal(AuditActions.AuditExported, exported.Action);
        Assert.Equal(before.HeadSequence + 1, exported.Sequence);
        Assert.Equal($"audit-export:{manifest.GetProperty("id").GetString()}", exported.Target);
        Assert.Equal(sha256, JsonDocument.Parse(exported.Details).RootElement.GetProperty("sha256").GetString());
        Assert.True((await Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Events_recorded_after_the_export_started_are_not_in_it_and_xlsx_opens_with_every_column()
    {
        await SeedAsync();
        var by = await app.ForAsync(await app.CreateUserAsync("admin@exports.test", Roles.EmmAdmin));
        var head = (await Audit.VerifyAsync()).HeadSequence;

        using var file = new MemoryStream();
        var manifest = await app.WithScopeAsync(s => s.GetRequiredService<AuditExportService>()
            .ExportAsync(by, null, new AuditQuery(), AuditExportFormat.Xlsx, file, Guid.NewGuid()));

        var rows = MiniExcel.Query<AuditExportRow>(new MemoryStream(file.ToArray()), excelType: ExcelType.XLSX).ToList();
        Assert.Equal(head, manifest.RowCount);
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), rows.Select(r => r.Sequence));
        var last = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Sequence == head));
        Assert.Equal(last.Hash, rows[^1].Hash);
        Assert.Equal(last.PreviousHash, rows[^1].PreviousHash);
        Assert.Equal(last.Details, rows[^1].Details);
    }

    [Fact]
    public async Task Pdf_is_a_pdf_and_says_when_it_holds_only_the_first_rows()
    {
        await SeedAsync();
        using var client = await AuditorAsync();

        using var response = await client.GetAsync("api/v1/audit/events?format=pdf&action=test.");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        Assert.Contains("Chain head at export", string.Join(" ", pdf.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
        var manifest = await ManifestAsync(client, response);
        Assert.Equal(JsonValueKind.Null, manifest.GetProperty("note").ValueKind);
    }

    [Fact]
    public async Task Bad_format_or_date_is_a_400_problem_and_an_unknown_manifest_is_404()
    {
        using var client = await AuditorAsync();

        var badFormat = await client.GetAsync("api/v1/audit/events?format=docx");
        var badDate = await client.GetAsync("api/v1/audit/events?from=yesterday");
        var missing = await client.GetAsync($"api/v1/audit/exports/{Guid.NewGuid()}/manifest");

        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Equal("application/problem+json", badFormat.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_console_download_uses_the_cookie_and_the_id_the_page_chose()
    {
        await SeedAsync();
        await app.CreateUserAsync("auditor@cookie.test", Roles.Auditor);
        using var client = await app.SignInAsync("auditor@cookie.test");
        var id = Guid.NewGuid();

        using var response = await client.GetAsync(AuditExportsApi.DownloadUrl(new AuditQuery(Action: "test.keep"), AuditExportFormat.Csv, id).TrimStart('/'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var manifestResponse = await client.GetAsync($"audit/exports/{id}/manifest.json");
        var manifest = JsonDocument.Parse(await manifestResponse.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id.ToString(), response.Headers.GetValues(AuditExportsApi.ExportIdHeader).Single());
        Assert.Equal(HttpStatusCode.OK, manifestResponse.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.GetProperty("sha256").GetString());
        Assert.Equal(4, manifest.GetProperty("rowCount").GetInt64());
        Assert.Equal("auditor@cookie.test", manifest.GetProperty("exportedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(AuditExportsApi.DownloadUrl(new AuditQuery(), AuditExportFormat.Csv, id).TrimStart('/'))).StatusCode);
    }

    private static async Task<JsonElement> ManifestAsync(HttpClient client, HttpResponseMessage export)
    {
        var id = export.Headers.GetValues(AuditExportsApi.ExportIdHeader).Single();
        using var response = await client.GetAsync($"api/v1/audit/exports/{id}/manifest");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static List<string> PdfTargets(byte[] bytes)
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
        string[] targets = ["device:1", "device:2", "device:3", "device:4", "device:5"];
        return targets.Where(t => text.Contains(t, StringComparison.Ordinal)).ToList();
    }

    /// <summary>RFC 4180, written out here so the test does not trust the library that wrote the file.</summary>
    internal static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        if (row.Count > 0 || cell.Length > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }

    [Fact]
    public async Task The_register_of_files_handed_out_lists_every_export_newest_first_to_audit_readers_only()
    {
        await SeedAsync();
        var auditor = await app.ForAsync(await app.CreateUserAsync("register@exports.test", Roles.Auditor));
        var exports = app.App.CreateAsyncScope().ServiceProvider.GetRequiredService<AuditExportService>();
        var csv = await exports.ExportAsync(auditor, null, new AuditQuery(), AuditExportFormat.Csv, Stream.Null, Guid.NewGuid());
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var json = await exports.ExportAsync(auditor, null, new AuditQuery(Actor: "alice"), AuditExportFormat.Json, Stream.Null, Guid.NewGuid());

        var register = await exports.HistoryAsync(auditor, 0, 20);

        Assert.Equal(2, register.TotalCount);
        Assert.Equal([json.Id, csv.Id], register.Items.Select(x => x.Id).ToList());
        Assert.Equal(json.Sha256, register.Items[0].Sha256);
        var developer = await app.ForAsync(await app.CreateUserAsync("dev@exports.test", Roles.Developer));
        await Assert.ThrowsAsync<MasqueDashboard.Infrastructure.DomainException>(() => exports.HistoryAsync(developer, 0, 20));
    }
}
