using System.Globalization;
using System.Text;

namespace Connectomics.CrashTests;

/// <summary>How a run of the tool ended.</summary>
internal sealed record ToolRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool KilledByTest)
{
    public bool Killed => ExitCode == EmbedTool.KilledExitCode;

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("exit ").Append(ExitCode).Append(" after ").Append(Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append(" s\n");
        text.Append("stderr:\n").Append(Stderr).Append("\nstdout:\n").Append(Stdout);
        return text.ToString();
    }
}
