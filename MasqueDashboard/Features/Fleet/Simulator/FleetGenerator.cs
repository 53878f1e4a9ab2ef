using MasqueDashboard.Features.Compliance;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>
/// Makes a realistic late-2014 corporate fleet from a seed (PRODUCT.md §6): the same seed and catalog give the same
/// devices, and device <c>i</c> does not depend on how many devices are asked for, so a restarted or grown simulator
/// re-enrols the same UDIDs.
/// </summary>
public static class FleetGenerator
{
    public const int MinAppStoreApps = 20;
    public const int MaxAppStoreApps = 40;

    /// <summary>Models with their share of the fleet and the oldest iOS they ran (the iPhone 6 shipped with 8.0).</summary>
    private static readonly (string Model, int Weight, string MinimumOs)[] Models =
    [
        ("iPhone 4S", 8, "6.1"),
        ("iPhone 5", 12, "6.1"),
        ("iPhone 5c", 10, "7.0"),
        ("iPhone 5s", 22, "7.0"),
        ("iPhone 6", 16, "8.0"),
        ("iPhone 6 Plus", 6, "8.0"),
        ("iPad 2", 8, "6.1"),
        ("iPad Air", 10, "7.0"),
        ("iPad mini", 8, "6.1"),
    ];

    /// <summary>iOS releases of the era (6.1 to 8.1) and their weight; about one device in six is below 7.1.</summary>
    private static readonly (string Version, int Weight)[] Releases =
    [
        ("6.1.3", 3), ("6.1.4", 4), ("7.0.4", 4), ("7.0.6", 5), ("7.1", 5), ("7.1.1", 8), ("7.1.2", 20), ("8.0", 6), ("8.0.2", 14), ("8.1", 31),
    ];

    private static readonly string[] FirstNames =
    [
        "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william", "elizabeth", "david", "barbara", "richard", "susan",
        "joseph", "jessica", "thomas", "sarah", "charles", "karen", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra",
        "paul", "ashley", "steven", "emily", "andrew", "donna", "kenneth", "michelle", "kevin", "carol", "brian", "amanda", "priya", "wei", "olga", "ahmed",
    ];

    private static readonly string[] LastNames =
    [
        "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez", "hernandez", "lopez", "gonzalez",
        "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark",
        "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott", "nguyen", "hill", "flores", "green", "patel", "chen", "ivanova",
    ];

    private const string SerialAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static IReadOnlyList<string> ModelNames { get; } = Models.Select(m => m.Model).ToList();

    /// <summary><paramref name="count"/> devices from <paramref name="seed"/>, each with 20–40 App Store apps and the catalog apps.</summary>
    /// <param name="mdmOnlyPercent">The share of devices (0–100) managed by MDM alone, reporting no team or signer.</param>
    public static IReadOnlyList<SimulatedDevice> Generate(int seed, int count, IReadOnlyList<SimulatedApp> catalogApps, int mdmOnlyPercent = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(catalogApps);
        ArgumentOutOfRangeException.ThrowIfNegative(mdmOnlyPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mdmOnlyPercent, 100);
        return Enumerable.Range(0, count).Select(i => Device(seed, i, catalogApps, mdmOnlyPercent)).ToList();
    }

    /// <summary>Device number <paramref name="index"/> of the fleet of <paramref name="seed"/>.</summary>
    public static SimulatedDevice Device(int seed, int index, IReadOnlyList<SimulatedApp> catalogApps, int mdmOnlyPercent = 0)
    {
        ArgumentNullException.ThrowIfNull(catalogApps);
        var random = new Random(unchecked((seed * 1_000_003) ^ (index * 7_919) ^ 0x5eed));
        var udid = Convert.ToHexStringLower(Bytes(random, 20));
        var serial = "CDF"[random.Next(3)] + new string(Enumerable.Range(0, 11).Select(_ => SerialAlphabet[random.Next(SerialAlphabet.Length)]).ToArray());
        var model = Pick(random, Models, m => m.Weight);
        var minimum = OsVersions.Key(model.MinimumOs);
        var os = Pick(random, Releases.Where(v => OsVersions.Key(v.Version) >= minimum).ToArray(), v => v.Weight).Version;
        var owner = $"{FirstNames[random.Next(FirstNames.Length)]}.{LastNames[random.Next(LastNames.Length)]}@corp.example";
        var isPad = model.Model.StartsWith("iPad", StringComparison.Ordinal);
        var supervised = random.NextDouble() < (isPad ? 0.6 : 0.45); // shared iPads were more often supervised than BYOD phones
        var container = random.NextDouble() < 0.85;

        var store = AppStoreApps.All.ToArray();
        random.Shuffle(store);
        var apps = store.Take(random.Next(MinAppStoreApps, MaxAppStoreApps + 1)).OrderBy(a => a.Name, StringComparer.Ordinal).Concat(catalogApps);
        // Drawn apart from the device's other facts, so the share changes which devices are MDM-only and nothing else.
        var mdmOnly = new Random(unchecked((seed * 104_729) ^ (index * 15_485_863) ^ 0x4D444D)).Next(100) < mdmOnlyPercent;
        return new SimulatedDevice(udid, serial, model.Model, owner, os, supervised, container, apps, mdmOnly);
    }

    /// <summary>The oldest iOS a model ran; null for a model the generator does not know.</summary>
    public static string? MinimumOs(string model) =>
        Models.FirstOrDefault(m => string.Equals(m.Model, model, StringComparison.Ordinal)).MinimumOs;

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, int> weight)
    {
        var roll = random.Next(items.Sum(weight));
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
