namespace MasqueDashboard.Components.Charts;

public enum ChartKind
{
    Bar,
    Line,
    Area,
    Donut,
}

/// <summary>One named series of values, one per category (or per slice for a donut).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Data);

/// <summary>
/// What a chart shows, in the product's terms. <see cref="ApexChart"/> turns it into ApexCharts options;
/// records compare by value, so a chart re-renders only when what it shows changed.
/// </summary>
public sealed record ChartSpec(ChartKind Kind, IReadOnlyList<string> Categories, IReadOnlyList<ChartSeries> Series)
{
    public bool Stacked { get; init; }

    public int Height { get; init; } = 320;

    /// <summary>One colour per series (CSS colours); null lets ApexCharts choose.</summary>
    public IReadOnlyList<string>? Colors { get; init; }

    public string? YAxisTitle { get; init; }

    /// <summary>Bars drawn sideways, for long category names (rule ids); ignored by other kinds.</summary>
    public bool Horizontal { get; init; }

    public bool Equals(ChartSpec? other) =>
        other is not null
        && Kind == other.Kind && Stacked == other.Stacked && Height == other.Height && YAxisTitle == other.YAxisTitle && Horizontal == other.Horizontal
        && Categories.SequenceEqual(other.Categories)
        && (Colors ?? []).SequenceEqual(other.Colors ?? [])
        && Series.Count == other.Series.Count
        && Series.Zip(other.Series).All(p => p.First.Name == p.Second.Name && p.First.Data.SequenceEqual(p.Second.Data));

    public override int GetHashCode() => HashCode.Combine(Kind, Categories.Count, Series.Count);

    /// <summary>The ApexCharts options object (serialised to JSON by JS interop).</summary>
    public object ToApexOptions(bool darkMode)
    {
        var kind = Kind.ToString().ToLowerInvariant();
        var common = new Dictionary<string, object?>
        {
            ["chart"] = new { type = kind, height = Height, stacked = Stacked, toolbar = new { show = false }, animations = new { enabled = false }, background = "transparent" },
            ["theme"] = new { mode = darkMode ? "dark" : "light" },
            ["legend"] = new { position = "bottom" },
            ["dataLabels"] = new { enabled = Kind == ChartKind.Donut },
            ["noData"] = new { text = "No data yet" },
        };
        if (Colors is { Count: > 0 })
        {
            common["colors"] = Colors;
        }

        if (Kind == ChartKind.Donut)
        {
            common["labels"] = Categories;
            common["series"] = Series.Count == 0 ? [] : Series[0].Data;
        }
        else
        {
            common["series"] = Series.Select(s => new { name = s.Name, data = s.Data });
            common["xaxis"] = new { categories = Categories };
            // Sideways bars put the category names on the y axis: room for a rule id such as MASQUE-URL-SCHEME-HIJACK.
            common["yaxis"] = new { title = new { text = YAxisTitle }, labels = Kind == ChartKind.Bar && Horizontal ? new { maxWidth = 260 } : (object)new { } };
            common["stroke"] = new { width = Kind == ChartKind.Bar ? 0 : 2, curve = "smooth" };
            if (Kind == ChartKind.Bar && Horizontal)
            {
                common["plotOptions"] = new { bar = new { horizontal = true } };
            }
        }

        return common;
    }
}
