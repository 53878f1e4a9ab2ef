namespace MasqueDashboard.Infrastructure.Cli;

/// <summary>
/// Progress written to a verb's output as it is reported, on the reporting thread. <see cref="Progress{T}"/> posts to
/// the thread pool instead, so a line could arrive after the verb returned and its writer was closed.
/// </summary>
internal sealed class OutputProgress(TextWriter output, string indent = "") : IProgress<string>
{
    public void Report(string value) => output.WriteLine(indent + value);
}
