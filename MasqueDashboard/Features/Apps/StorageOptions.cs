using System.ComponentModel.DataAnnotations;

namespace MasqueDashboard.Features.Apps;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where packages are kept, named by their SHA-256. Relative paths are under the content root.</summary>
    [Required]
    public string Root { get; set; } = "App_Data/packages";

    /// <summary>The largest package accepted, in bytes (default 2 GiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
