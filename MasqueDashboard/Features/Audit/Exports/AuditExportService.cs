using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Features.Audit.Exports;

/// <summary>
/// Exports of the audit trail (PRODUCT.md §8): the trail's filters, oldest first, read in sequence batches and
/// written straight through a hashing stream, so memory stays flat however long the trail is. The manifest and
/// the <c>audit.exported</c> event are written, in one transaction, only once the file is complete.
/// </summary>
public sealed class AuditExportService(IDbContextFactory<MasqueDbContext> contexts, IAuditLog audit, IAuthorizationService authorization, TimeProvider time)
{
    /// <summary>PdfPig builds a document in memory, so a PDF holds at most this many events (the note in it and in the manifest says so).</summary>
    public const int PdfRowCap = 2_000;

    /// <summary>Sequence numbers per slice a reader reads in one query and hands over as one array.</summary>
    internal const int SliceSize = 2_000;

    /// <summary>Readers decoding slices in parallel with the writer (two: this is a 2-core product; more only adds contention).</summary>
    private const int Readers = 2;

    internal static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web);

    public static string ContentType(AuditExportFormat format) => format switch
    {
        AuditExportFormat.Csv => "text/csv",
        AuditExportFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        AuditExportFormat.Pdf => "application/pdf",
        _ => "application/json",
    };

    public static string Extension(AuditExportFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>Reads <c>json</c>, <c>csv</c>, <c>xlsx</c> or <c>pdf</c> (JSON when absent).</summary>
    public static AuditExportFormat ParseFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => AuditExportFormat.Json,
        "csv" => AuditExportFormat.Csv,
        "xlsx" => AuditExportFormat.Xlsx,
        "pdf" => AuditExportFormat.Pdf,
        _ => throw DomainException.Invalid($"Unknown export format '{format}': use json, csv, xlsx or pdf."),
    };

    /// <summary>
    /// Writes the events matching <paramref name="query"/> (up to the chain head at the start) to <paramref name="output"/>,
    /// then records the export. Writers may write synchronously: give a file, not a response body.
    /// </summary>
    /// <param name="exportId">The export's id (the page picks it up front so it can link to the manifest).</param>
    public async Task<AuditExportManifest> ExportAsync(ClaimsPrincipal by, string? clientIp, AuditQuery query, AuditExportFormat format, Stream output, Guid exportId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(output);
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        var actor = AuditActor.From(by, clientIp);

        AuditChainHead head;
        long matching = -1;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.AuditExports.AnyAsync(x => x.Id == exportId, cancellationToken))
            {
                throw DomainException.Conflict($"Export {exportId} already exists.");
            }

            head = await HeadAsync(db, cancellationToken);
            if (format == AuditExportFormat.Pdf)
            {
                var upTo = head.Sequence;
                matching = await query.Apply(db.AuditEvents.AsNoTracking()).LongCountAsync(e => e.Sequence <= upTo, cancellationToken);
            }
        }

        var startedAt = time.GetUtcNow();
        var fileName = $"audit-events-{startedAt:yyyyMMdd-HHmmss}-{exportId.ToString("N")[..8]}.{Extension(format)}";
        long rows;
        string sha256;
        long bytes;
        string? note = null;
        await using (var hashing = new HashingStream(output))
        {
            switch (format)
            {
                case AuditExportFormat.Csv:
                    rows = await AuditExportWriters.WriteCsvAsync(hashing, SlicesAsync(query, head.Sequence, Utf8Rows.Read, cancellationToken), cancellationToken);
                    break;
                case AuditExportFormat.Xlsx:
                    // MiniExcel pulls an IEnumerable and writes synchronously: the same slices, waited for on this thread.
                    rows = AuditExportWriters.WriteXlsx(hashing, ReadAsync(query, head.Sequence, cancellationToken).ToBlockingEnumerable(cancellationToken));
                    break;
                case AuditExportFormat.Pdf:
                    note = matching > PdfRowCap
                        ? $"This PDF lists the first {PdfRowCap:N0} of {matching:N0} matching events; export CSV, XLSX or JSON for all of them."
                        : null;
                    rows = await AuditExportWriters.WritePdfAsync(hashing, ReadAsync(query, head.Sequence, cancellationToken), PdfRowCap, Filters(query), head, note, cancellationToken);
                    break;
                default:
                    rows = await AuditExportWriters.WriteJsonAsync(hashing, ReadAsync(query, head.Sequence, cancellationToken), cancellationToken);
                    break;
            }

            await hashing.FlushAsync(cancellationToken);
            sha256 = hashing.Sha256();
            bytes = hashing.BytesWritten;
        }

        var manifest = new AuditExportManifest(exportId, fileName, Extension(format), ContentType(format), Filters(query), rows,
            matching < 0 ? rows : matching, bytes, sha256, head, actor.Name, AuditChain.ToStoredTime(time.GetUtcNow()), note);
        await RecordAsync(actor, AuditActions.AuditExported, format, manifest, cancellationToken);
        return manifest;
    }

    /// <summary>The chain's last event now (the genesis hash at sequence 0 for an empty trail).</summary>
    internal static async Task<AuditChainHead> HeadAsync(MasqueDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? new AuditChainHead(0, AuditChain.GenesisHash) : new AuditChainHead(last.Sequence, last.Hash);
    }

    /// <summary>
    /// Stores a completed file's manifest (served later, byte for byte) and its audit event, in one transaction.
    /// Trail exports and the ready-made reports both come through here.
    /// </summary>
    internal async Task RecordAsync(AuditActor actor, string action, AuditExportFormat format, AuditExportManifest manifest, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.AuditExports.AnyAsync(x => x.Id == manifest.Id, cancellationToken))
        {
            throw DomainException.Conflict($"Export {manifest.Id} already exists.");
        }

        await audit.AppendAsync(db, actor, action, $"audit-export:{manifest.Id}", manifest, cancellationToken);
        db.AuditExports.Add(new AuditExport
        {
            Id = manifest.Id,
            Format = format,
            FileName = manifest.FileName,
            RowCount = manifest.RowCount,
            Sha256 = manifest.Sha256,
            HeadSequence = manifest.ChainHead.Sequence,
            HeadHash = manifest.ChainHead.Hash,
            ExportedBy = manifest.ExportedBy,
            ExportedAtUtc = manifest.ExportedAtUtc,
            Manifest = JsonSerializer.Serialize(manifest, ManifestJson),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Every file handed out (trail exports, reports, device evidence), newest first: the register an auditor re-checks files against.</summary>
    public async Task<Paged<AuditExport>> HistoryAsync(ClaimsPrincipal by, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var size = Math.Clamp(pageSize, 1, 200);
        var items = await db.AuditExports.AsNoTracking().OrderByDescending(x => x.ExportedAtUtc).ThenBy(x => x.Id)
            .Skip(Math.Max(0, page) * size).Take(size).ToListAsync(cancellationToken);
        return new Paged<AuditExport>(items, await db.AuditExports.CountAsync(cancellationToken));
    }

    /// <summary>The manifest JSON of an earlier export, exactly as stored.</summary>
    public async Task<(string FileName, string Json)> GetManifestAsync(ClaimsPrincipal by, Guid exportId, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(by, Capabilities.CanReadAudit);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var export = await db.AuditExports.AsNoTracking().FirstOrDefaultAsync(x => x.Id == exportId, cancellationToken)
            ?? throw DomainException.NotFound($"No export {exportId} (a manifest appears once its file is complete).");
        return (export.FileName + ".manifest.json", export.Manifest);
    }

    private static AuditExportFilters Filters(AuditQuery q) =>
        new(q.FromUtc, q.ToUtc, Blank(q.Actor), Blank(q.Action), Blank(q.Target), Blank(q.Text));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Matching events up to <paramref name="headSequence"/>, oldest first, as events (JSON, PDF).</summary>
    internal async IAsyncEnumerable<AuditEvent> ReadAsync(AuditQuery query, long headSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var slice in SlicesAsync(query, headSequence, ReadEvents, cancellationToken))
        {
            foreach (var e in slice)
            {
                yield return e;
            }
        }
    }

    /// <summary>
    /// Matching events up to <paramref name="headSequence"/>, oldest first, in slices of <paramref name="decode"/>d rows.
    /// Decoding rows is the export's largest cost, so <see cref="Readers"/> readers on other threads each read every
    /// <see cref="Readers"/>-th slice of <see cref="SliceSize"/> sequence numbers while the caller writes the file, and
    /// the slices are handed over in order. Each reader holds at most one finished slice and the one it is reading,
    /// so memory stays flat however long the trail is.
    /// </summary>
    internal async IAsyncEnumerable<TSlice> SlicesAsync<TSlice>(AuditQuery query, long headSequence, Func<DbCommand, TSlice> decode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long first;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // Where the matches start (a time range usually starts late in the trail); slices are read from there.
            first = await query.Apply(db.AuditEvents.AsNoTracking()).Where(e => e.Sequence <= headSequence)
                .MinAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        }

        if (first == 0)
        {
            yield break;
        }

        var slices = (headSequence - first + SliceSize) / SliceSize;
        var readers = (int)Math.Min(Readers, slices);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channels = new Channel<TSlice>[readers];
        var tasks = new Task[readers];
        for (var r = 0; r < readers; r++)
        {
            var channel = channels[r] = Channel.CreateBounded<TSlice>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var reader = r;
            tasks[r] = Task.Run(() => ReadSlicesAsync(query, first, headSequence, reader, readers, decode, channel.Writer, stop.Token), CancellationToken.None);
        }

        try
        {
            for (long slice = 0; slice < slices; slice++)
            {
                var channel = channels[slice % readers];
                if (!await channel.Reader.WaitToReadAsync(cancellationToken))
                {
                    await channel.Reader.Completion; // throws the reader's error; a clean end here cannot happen
                    yield break;
                }

                yield return await channel.Reader.ReadAsync(cancellationToken);
            }
        }
        finally
        {
            // The consumer may stop early (a cancelled download): the readers stop too and are awaited, never left reading.
            await stop.CancelAsync();
            await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Reads slices <paramref name="reader"/>, + <paramref name="readers"/>, … of the range after <paramref name="first"/>,
    /// each decoded whole (empty when nothing in it matches) so the consumer can count slices. EF builds each slice's
    /// command (the filters are exactly the trail's) and the rows are read straight off the data reader: materialising
    /// entities through EF cost as much as the rest of the export together. Completes <paramref name="output"/>, with
    /// the error if one occurs.
    /// </summary>
    private async Task ReadSlicesAsync<TSlice>(AuditQuery query, long first, long headSequence, int reader, int readers, Func<DbCommand, TSlice> decode,
        ChannelWriter<TSlice> output, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            for (var from = first + (reader * SliceSize); from <= headSequence; from += readers * SliceSize)
            {
                var (low, high) = (from, Math.Min(headSequence, from + SliceSize - 1));
                await using var command = query.Apply(db.AuditEvents.AsNoTracking())
                    .Where(e => e.Sequence >= low && e.Sequence <= high)
                    .OrderBy(e => e.Sequence)
                    .Select(e => new { e.Sequence, e.OccurredAtUtc, e.Actor, e.ActorId, e.Action, e.Target, e.Details, e.ClientIp, e.PreviousHash, e.Hash })
                    .CreateDbCommand();
                await output.WriteAsync(decode(command), cancellationToken);
            }

            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
        }
    }

    /// <summary>A slice's rows as events (the columns in <see cref="AuditExportWriters.Columns"/> order).</summary>
    private static AuditEvent[] ReadEvents(DbCommand command)
    {
        using var data = command.ExecuteReader();
        var rows = new List<AuditEvent>(SliceSize);
        while (data.Read())
        {
            rows.Add(new AuditEvent
            {
                Sequence = data.GetInt64(0),
                OccurredAtUtc = data.GetFieldType(1) == typeof(DateTime) ? DateTime.SpecifyKind(data.GetDateTime(1), DateTimeKind.Utc) : StoredTime(data.GetString(1)),
                Actor = data.GetString(2),
                ActorId = data.IsDBNull(3) ? null : data.GetString(3),
                Action = data.GetString(4),
                Target = data.IsDBNull(5) ? null : data.GetString(5),
                Details = data.GetString(6),
                ClientIp = data.IsDBNull(7) ? null : data.GetString(7),
                PreviousHash = data.GetString(8),
                Hash = data.GetString(9),
            });
        }

        return [.. rows];
    }

    /// <summary>
    /// EF's SQLite text for a <see cref="DateTime"/> ("yyyy-MM-dd HH:mm:ss" and up to seven fraction digits), read by
    /// position: the data reader's culture-aware parse was the export's largest single cost.
    /// </summary>
    internal static DateTime StoredTime(string text)
    {
        if (text.Length < 19 || text[4] != '-' || text[10] is not (' ' or 'T'))
        {
            return DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), DateTimeKind.Utc);
        }

        static int Digits(string s, int at, int count)
        {
            var n = 0;
            for (var i = at; i < at + count; i++)
            {
                n = (n * 10) + (s[i] - '0');
            }

            return n;
        }

        long fraction = 0;
        var digits = 0;
        for (var i = 20; i < text.Length && i < 27 && char.IsAsciiDigit(text[i]); i++, digits++)
        {
            fraction = (fraction * 10) + (text[i] - '0');
        }

        for (; digits < 7; digits++)
        {
            fraction *= 10;
        }

        return new DateTime(Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2), Digits(text, 11, 2), Digits(text, 14, 2), Digits(text, 17, 2), DateTimeKind.Utc)
            .AddTicks(fraction);
    }
}
