using Xunit;

namespace Connectomics.Testing;

/// <summary>One finished run of a sample program.</summary>
/// <param name="Code">The exit code.</param>
/// <param name="Stdout">The standard output.</param>
/// <param name="Stderr">The standard error.</param>
public sealed record ToolRun(int Code, string Stdout, string Stderr)
{
    /// <summary>Gets the lines of standard error that start with <c>error:</c>.</summary>
    public string[] ErrorLines => [.. Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal))];

    /// <summary>Asserts success; returns this run.</summary>
    /// <returns>This run.</returns>
    public ToolRun Succeeded()
    {
        Assert.True(Code == 0, $"exit code {Code}\n{Stderr}\n{Stdout}");
        return this;
    }

    /// <summary>Asserts a failure reported as exactly one <c>error:</c> line and no stack trace; returns that line.</summary>
    /// <param name="code">The expected exit code.</param>
    /// <returns>The error line.</returns>
    public string SingleError(int code = 1)
    {
        Assert.True(Code == code, $"exit code {Code}, expected {code}\n{Stderr}\n{Stdout}");
        var line = Assert.Single(ErrorLines);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Stderr, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Gets the value of a <c>name: value</c> line of the run's summary on standard output.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The value.</returns>
    public string Summary(string name) =>
        Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
}
