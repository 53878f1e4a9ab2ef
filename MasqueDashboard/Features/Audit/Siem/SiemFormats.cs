using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MasqueDashboard.Features.Audit.Siem;

/// <summary>The wire formats of DOMAIN.md §7: Splunk HEC envelopes and RFC 5424 syslog messages.</summary>
public static class SiemFormats
{
    /// <summary>IANA private enterprise number reserved for documentation (RFC 5612), for our structured-data id.</summary>
    public const string StructuredDataId = "audit@32473";

    /// <summary>Facility 13 (log audit).</summary>
    public const int Facility = 13;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Concatenated HEC envelopes (<c>time</c> as plain decimal seconds, the event as an object).</summary>
    public static byte[] HecBody(IReadOnlyList<AuditEvent> events, string host, string? sourceType, string? index)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        foreach (var e in events)
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("time", decimal.Round(new DateTimeOffset(DateTime.SpecifyKind(e.OccurredAtUtc, DateTimeKind.Utc)).ToUnixTimeMilliseconds() / 1000m, 3));
                json.WriteString("host", host);
                json.WriteString("source", "masque-dashboard");
                json.WriteString("sourcetype", string.IsNullOrWhiteSpace(sourceType) ? "masque:audit" : sourceType);
                if (!string.IsNullOrWhiteSpace(index))
                {
                    json.WriteString("index", index);
                }

                json.WritePropertyName("event");
                WriteEvent(json, e);
                json.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    /// <summary>One RFC 5424 message: header, structured data with the chain fields, and the details as a UTF-8 MSG.</summary>
    public static byte[] Syslog(AuditEvent e, string host, string appName)
    {
        ArgumentNullException.ThrowIfNull(e);
        var severity = e.Action is AuditActions.LoginFailed or AuditActions.LockedOut ? 4 : 5; // warning : notice
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{(Facility * 8) + severity}>1 {DateTime.SpecifyKind(e.OccurredAtUtc, DateTimeKind.Utc):yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} {Printable(host, 255)} {Printable(appName, 48)} - {Printable(e.Action, 32)} ");
        var data = new StringBuilder("[").Append(StructuredDataId);
        Param(data, "seq", e.Sequence.ToString(CultureInfo.InvariantCulture));
        Param(data, "actor", e.Actor);
        Param(data, "target", e.Target);
        Param(data, "ip", e.ClientIp);
        Param(data, "hash", e.Hash);
        Param(data, "prev", e.PreviousHash);
        data.Append(']');
        var head = Encoding.UTF8.GetBytes(header + data + " ");
        var message = Encoding.UTF8.GetBytes(e.Details);
        var bytes = new byte[head.Length + Bom.Length + message.Length];
        head.CopyTo(bytes, 0);
        Bom.CopyTo(bytes, head.Length);
        message.CopyTo(bytes, head.Length + Bom.Length);
        return bytes;
    }

    /// <summary>RFC 6587 octet counting: the UTF-8 byte count, a space, the message.</summary>
    public static byte[] OctetCounted(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
        return [.. prefix, .. message];
    }

    private static void WriteEvent(Utf8JsonWriter json, AuditEvent e)
    {
        json.WriteStartObject();
        json.WriteNumber("sequence", e.Sequence);
        json.WriteString("occurredAt", DateTime.SpecifyKind(e.OccurredAtUtc, DateTimeKind.Utc));
        json.WriteString("actor", e.Actor);
        json.WriteString("action", e.Action);
        json.WriteString("target", e.Target);
        json.WriteString("clientIp", e.ClientIp);
        json.WritePropertyName("details");
        try
        {
            using var details = JsonDocument.Parse(e.Details);
            details.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteStringValue(e.Details);
        }

        json.WriteString("hash", e.Hash);
        json.WriteString("previousHash", e.PreviousHash);
        json.WriteEndObject();
    }

    private static void Param(StringBuilder data, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        data.Append(' ').Append(name).Append("=\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\' or ']')
            {
                data.Append('\\');
            }

            data.Append(c);
        }

        data.Append('"');
    }

    /// <summary>Printable US-ASCII (33–126) only, at most <paramref name="max"/> characters; "-" when nothing is left.</summary>
    public static string Printable(string? value, int max)
    {
        var kept = new string((value ?? "").Where(c => c is >= '!' and <= '~').Take(max).ToArray());
        return kept.Length == 0 ? "-" : kept;
    }
}
