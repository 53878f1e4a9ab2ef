using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MasqueDashboard.Features.Audit;

/// <summary>
/// How an audit event is hashed. The canonical encoding is a JSON array of the event's fields in a fixed
/// order (unambiguous: strings are quoted and escaped, absent values are <c>null</c>); the hash is
/// SHA-256 over the previous event's hash (64 hex digits) and that encoding, written as lower-case hex.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first event.</summary>
    public static readonly string GenesisHash = new('0', 64);

    public static byte[] CanonicalEncoding(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(e.Sequence);
            writer.WriteStringValue(FormatTime(e.OccurredAtUtc));
            writer.WriteStringValue(e.Actor);
            WriteNullable(writer, e.ActorId);
            writer.WriteStringValue(e.Action);
            WriteNullable(writer, e.Target);
            writer.WriteStringValue(e.Details);
            WriteNullable(writer, e.ClientIp);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ComputeHash(string previousHash, AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        var encoding = CanonicalEncoding(e);
        var input = new byte[previousHash.Length + 1 + encoding.Length];
        Encoding.ASCII.GetBytes(previousHash, input);
        input[previousHash.Length] = (byte)'\n';
        encoding.CopyTo(input, previousHash.Length + 1);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>
    /// Event times are kept to whole microseconds: every supported database stores that exactly, so a
    /// round trip through storage never changes what was hashed.
    /// </summary>
    public static DateTime ToStoredTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private static string FormatTime(DateTime time) =>
        new DateTime(time.Ticks, DateTimeKind.Utc).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
