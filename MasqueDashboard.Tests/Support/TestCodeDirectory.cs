using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// CodeDirectory blobs laid out as DOMAIN §5.5 and test vector T13 have them (version 0x20400, 7 empty special
/// slots, one code page of 4096 zero bytes), and their cdhashes. The defaults reproduce T13 byte for byte.
/// </summary>
public static class TestCodeDirectory
{
    public const int Sha1 = 1;
    public const int Sha256 = 2;

    private const int HeaderLength = 88;
    private const int SpecialSlots = 7;
    private const int PageSize = 0x1000;

    /// <param name="hashType">1 (SHA-1, an "alternate" CD) or 2 (SHA-256).</param>
    public static byte[] Build(string identifier = "com.example.app", string teamId = TestPki.TeamId, int hashType = Sha256)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(teamId);
        var hashSize = hashType switch
        {
            Sha1 => 20,
            Sha256 => 32,
            _ => throw new ArgumentOutOfRangeException(nameof(hashType), hashType, "1 (SHA-1) or 2 (SHA-256)."),
        };
        var ident = Encoding.ASCII.GetBytes(identifier + "\0");
        var team = Encoding.ASCII.GetBytes(teamId + "\0");
        var identOffset = HeaderLength;
        var teamOffset = identOffset + ident.Length;
        var hashOffset = teamOffset + team.Length + (SpecialSlots * hashSize);
        var length = hashOffset + hashSize;

        var blob = new byte[length];
        var span = blob.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span[0..], 0xFADE0C02);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)length);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], 0x20400);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], (uint)hashOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[20..], (uint)identOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[24..], SpecialSlots);
        BinaryPrimitives.WriteUInt32BigEndian(span[28..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(span[32..], PageSize);
        span[36] = (byte)hashSize;
        span[37] = (byte)hashType;
        span[39] = 12;
        BinaryPrimitives.WriteUInt32BigEndian(span[48..], (uint)teamOffset);
        BinaryPrimitives.WriteUInt64BigEndian(span[72..], PageSize);
        BinaryPrimitives.WriteUInt64BigEndian(span[80..], 1);
        ident.CopyTo(span[identOffset..]);
        team.CopyTo(span[teamOffset..]);
        var zeroPage = new byte[PageSize];
        var pageHash = hashType == Sha1 ? SHA1.HashData(zeroPage) : SHA256.HashData(zeroPage);
        pageHash.CopyTo(span[hashOffset..]);
        return blob;
    }

    /// <summary>The CD's digest with its own hash type, truncated to 20 bytes (DOMAIN §5.5, CS_CDHASH_LEN).</summary>
    public static byte[] CdHash(byte[] codeDirectory)
    {
        ArgumentNullException.ThrowIfNull(codeDirectory);
        var digest = codeDirectory[37] == Sha1 ? SHA1.HashData(codeDirectory) : SHA256.HashData(codeDirectory);
        return digest[..20];
    }
}
