using MasqueDashboard.Infrastructure.Cli;
using MasqueDashboard.Infrastructure.Hosting;

if (CommandLine.IsVerb(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddMasqueDashboard();

var app = builder.Build();
app.MapMasqueDashboard();
await app.InitializeAsync();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
