using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Tests.Features.Fleet;

public sealed class FleetOptionsTests
{
    [Theory]
    [InlineData("Fleet:Brake:MaxDevices", "0")]
    [InlineData("Fleet:Brake:Window", "00:00:30")]
    [InlineData("Fleet:Brake:Window", "41.00:00:00")]
    [InlineData("Fleet:ApprovalExpiry", "41.00:00:00")]
    [InlineData("Fleet:Simulator:MdmOnlyPercent", "101")]
    public void Safety_settings_out_of_bounds_are_refused_at_start_up_with_the_key_named(string key, string value)
    {
        using var app = new MasqueAppFactory().With(key, value);

        var refused = Assert.ThrowsAny<Exception>(() => app.App);

        Assert.Contains(key, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_start()
    {
        using var app = new MasqueAppFactory();
        var fleet = app.App.GetRequiredService<IOptions<FleetOptions>>().Value;
        Assert.Equal((25, TimeSpan.FromMinutes(20), TimeSpan.FromHours(72), 30), (fleet.Brake.MaxDevices, fleet.Brake.Window, fleet.ApprovalExpiry, fleet.Simulator.MdmOnlyPercent));
    }
}
