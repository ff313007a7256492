namespace Connectomics.Lance.Tests;

/// <summary>The exit code and output of one run of the tool.</summary>
internal sealed record ToolRun(int Code, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
