using System.Reflection;
using MasqueDashboard.Infrastructure.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace MasqueDashboard.Tests.Architecture;

public sealed class DependencyRulesTests
{
    private static readonly Assembly App = typeof(MasqueDbContext).Assembly;

    [Fact]
    public void Components_never_touch_the_database_directly()
    {
        var offenders = App.GetTypes()
            .Where(t => typeof(ComponentBase).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null)
                .Where(p => typeof(DbContext).IsAssignableFrom(p.PropertyType)
                    || (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IDbContextFactory<>)))
                .Select(p => $"{t.FullName}.{p.Name}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Feature_code_does_not_depend_on_the_command_line_or_the_host_wiring()
    {
        var offenders = App.GetTypes()
            .Where(t => t.Namespace?.StartsWith("MasqueDashboard.Features", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).Select(f => f.FieldType)
                .Concat(t.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType))
                .Where(d => d.Namespace == "MasqueDashboard.Infrastructure.Cli")
                .Select(d => $"{t.FullName} -> {d.FullName}"))
            .ToList();

        Assert.Empty(offenders);
    }
}
