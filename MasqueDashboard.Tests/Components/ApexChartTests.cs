using Bunit;
using MasqueDashboard.Components.Charts;

namespace MasqueDashboard.Tests.Components;

public sealed class ApexChartTests : BunitContext
{
    private static ChartSpec Spec(params double[] values) =>
        new(ChartKind.Bar, ["Mon", "Tue"], [new ChartSeries("Succeeded", values)]) { Stacked = true };

    [Fact]
    public void First_render_loads_the_module_and_draws_the_series()
    {
        var module = JSInterop.SetupModule("./lib/masque/charts.js");
        module.SetupVoid("render", _ => true).SetVoidResult();

        Render<ApexChart>(p => p.Add(c => c.Spec, Spec(3, 4)));

        var call = Assert.Single(module.VerifyInvoke("render").Arguments.Skip(1).ToArray());
        var options = Assert.IsType<Dictionary<string, object?>>(call);
        Assert.Contains("series", options.Keys);
        Assert.Contains("xaxis", options.Keys);
    }

    [Fact]
    public void A_changed_spec_updates_the_chart_and_an_equal_one_does_not()
    {
        var module = JSInterop.SetupModule("./lib/masque/charts.js");
        module.SetupVoid("render", _ => true).SetVoidResult();
        module.SetupVoid("update", _ => true).SetVoidResult();

        var chart = Render<ApexChart>(p => p.Add(c => c.Spec, Spec(3, 4)));
        chart.Render(p => p.Add(c => c.Spec, Spec(3, 4)));
        Assert.Empty(module.Invocations["update"]);

        chart.Render(p => p.Add(c => c.Spec, Spec(5, 6)));
        Assert.Single(module.Invocations["update"]);
    }

    [Fact]
    public async Task Disposing_destroys_the_chart()
    {
        var module = JSInterop.SetupModule("./lib/masque/charts.js");
        module.SetupVoid("render", _ => true).SetVoidResult();
        module.SetupVoid("destroy", _ => true).SetVoidResult();
        var chart = Render<ApexChart>(p => p.Add(c => c.Spec, Spec(1, 2)));

        await chart.Instance.DisposeAsync();

        module.VerifyInvoke("destroy");
    }

    [Fact]
    public void A_donut_passes_its_slices_as_labels_and_one_series()
    {
        var spec = new ChartSpec(ChartKind.Donut, ["Clean", "Suspicious"], [new ChartSeries("Verdicts", [7, 2])]);

        var options = Assert.IsType<Dictionary<string, object?>>(spec.ToApexOptions(darkMode: true));

        Assert.Equal(new[] { "Clean", "Suspicious" }, options["labels"]);
        Assert.Equal(new double[] { 7, 2 }, options["series"]);
        Assert.DoesNotContain("xaxis", options.Keys);
    }

    [Fact]
    public void Horizontal_bars_turn_sideways_and_count_as_a_change()
    {
        var upright = new ChartSpec(ChartKind.Bar, ["MASQUE-BUNDLE-HIJACK"], [new ChartSeries("Devices", [3])]);
        var sideways = upright with { Horizontal = true };

        var options = Assert.IsType<Dictionary<string, object?>>(sideways.ToApexOptions(darkMode: false));

        Assert.Contains("plotOptions", options.Keys);
        Assert.DoesNotContain("plotOptions", Assert.IsType<Dictionary<string, object?>>(upright.ToApexOptions(darkMode: false)).Keys);
        Assert.NotEqual(upright, sideways);
    }
}
