using System.Text.Json;
using System.Text.RegularExpressions;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;

namespace MasqueDashboard.Tests.Features.Fleet.Simulator;

public sealed partial class FleetGeneratorTests
{
    private static readonly IReadOnlyList<SimulatedApp> Catalog =
    [
        new("com.example.bank", "Example Bank", "3.2.0", "ABCDE12345", null, SimulatedApp.Enterprise, ["examplebank"], Managed: true),
    ];

    [Fact]
    public void The_same_seed_makes_the_same_fleet_and_another_seed_another()
    {
        var first = Json(FleetGenerator.Generate(2014, 60, Catalog));
        var again = Json(FleetGenerator.Generate(2014, 60, Catalog));
        var other = FleetGenerator.Generate(2015, 60, Catalog);

        Assert.Equal(first, again);
        Assert.NotEqual(first, Json(other));
        Assert.Empty(FleetGenerator.Generate(2014, 60, Catalog).Select(d => d.Udid).Intersect(other.Select(d => d.Udid)));
    }

    [Fact]
    public void A_device_does_not_depend_on_the_size_of_the_fleet_so_a_grown_fleet_re_enrols_the_same_udids()
    {
        var small = FleetGenerator.Generate(7, 5, Catalog);
        var large = FleetGenerator.Generate(7, 80, Catalog);

        Assert.Equal(Json(small), Json(large.Take(5).ToList()));
    }

    [Fact]
    public void The_fleet_looks_like_a_2014_corporate_fleet()
    {
        var fleet = FleetGenerator.Generate(2014, 250, Catalog).Select(d => d.Snapshot()).ToList();

        Assert.Equal(250, fleet.Select(d => d.Udid).Distinct().Count());
        Assert.All(fleet, d =>
        {
            Assert.Matches(UdidPattern(), d.Udid);
            Assert.Matches(OwnerPattern(), d.Owner);
            Assert.Contains(d.Model, FleetGenerator.ModelNames);
            Assert.InRange(OsVersions.Key(d.OsVersion), OsVersions.Key("6.1"), OsVersions.Key("8.1"));
            Assert.True(OsVersions.Key(d.OsVersion) >= OsVersions.Key(FleetGenerator.MinimumOs(d.Model)), $"{d.Model} cannot run iOS {d.OsVersion}");
            var store = d.Apps.Where(a => a.Distribution == SimulatedApp.AppStore).ToList();
            Assert.InRange(store.Count, FleetGenerator.MinAppStoreApps, FleetGenerator.MaxAppStoreApps);
            Assert.All(store, a => Assert.False(a.Managed));
            Assert.All(store, a => Assert.Matches(TeamPattern(), a.TeamId!));
            Assert.All(store, a => Assert.Matches(Sha1Pattern(), a.SignerSha1!));
            Assert.Contains(d.Apps, a => a is { BundleId: "com.example.bank", Distribution: SimulatedApp.Enterprise, TeamId: "ABCDE12345", Managed: true });
            Assert.False(d.Jailbroken);
            Assert.Equal(NetworkState.Allowed, d.Network);
        });

        var belowPolicy = fleet.Count(d => OsVersions.Key(d.OsVersion) < OsVersions.Key("7.1"));
        Assert.InRange(belowPolicy, 10, 100);
        Assert.Contains(fleet, d => d.Supervised);
        Assert.Contains(fleet, d => !d.Supervised);
        Assert.Contains(fleet, d => !d.ContainerEnabled);
        Assert.True(fleet.Select(d => d.Model).Distinct().Count() >= 8, "most models appear in 250 devices");
        Assert.Contains(fleet, d => d.Apps.Any(a => a.BundleId == "com.facebook.Facebook"));
    }

    private static string Json(IReadOnlyList<SimulatedDevice> fleet) => JsonSerializer.Serialize(fleet.Select(d => d.Snapshot()));

    [GeneratedRegex("^[A-Za-z0-9-]{20,64}$")]
    private static partial Regex UdidPattern();

    [GeneratedRegex(@"^[a-z]+\.[a-z]+@corp\.example$")]
    private static partial Regex OwnerPattern();

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex TeamPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Sha1Pattern();
}
