using System.Security.Cryptography;
using MasqueDashboard.Infrastructure;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Apps;

/// <param name="Sha256">Lower-case hex SHA-256 of the bytes: the file's name in storage.</param>
/// <param name="AlreadyStored">True when the same bytes were already in storage (the upload was a duplicate).</param>
public sealed record StoredPackage(string Sha256, long Size, bool AlreadyStored);

/// <summary>
/// Content-addressed package storage under <c>Storage:Root</c>. An upload is streamed to a temporary file
/// while it is hashed (never buffered whole), checked against <c>Storage:MaxUploadBytes</c> as it arrives,
/// and only then moved to its final name; an interrupted or refused upload leaves no file behind.
/// </summary>
public sealed class PackageStore
{
    private const int BufferSize = 128 * 1024;
    private readonly string root;
    private readonly string incoming;

    public PackageStore(IOptions<StorageOptions> options, IWebHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.Root));
        incoming = Path.Combine(root, "incoming");
        MaxUploadBytes = options.Value.MaxUploadBytes;
    }

    public long MaxUploadBytes { get; }

    public async Task<StoredPackage> StoreAsync(Stream content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, $"{Guid.NewGuid():N}.part");
        try
        {
            string sha256;
            long size = 0;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > MaxUploadBytes)
                    {
                        throw DomainException.TooLarge($"The package is larger than the limit of {FormatBytes(MaxUploadBytes)}.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    progress?.Report(size);
                }

                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (size == 0)
            {
                throw DomainException.Invalid("The file is empty.");
            }

            var final = PathOf(sha256);
            if (File.Exists(final))
            {
                File.Delete(temporary);
                return new StoredPackage(sha256, size, AlreadyStored: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            try
            {
                File.Move(temporary, final);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Another upload of the same bytes won the race: the content is the same.
                File.Delete(temporary);
                return new StoredPackage(sha256, size, AlreadyStored: true);
            }

            return new StoredPackage(sha256, size, AlreadyStored: false);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    public FileStream OpenRead(string sha256) =>
        new(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public string PathOf(string sha256)
    {
        if (sha256 is not { Length: 64 } || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a lower-case SHA-256.", nameof(sha256));
        }

        return Path.Combine(root, sha256[..2], sha256);
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
