using System.Diagnostics;

namespace Connectomics.Embed.Tests;

/// <summary>The tool, <c>connectomics-embed</c>, run in its own process in a working directory, as a user runs it.</summary>
internal static class EmbedTool
{
    private static readonly SampleProgram s_program = new("Connectomics.Embed", "Connectomics.Embed.dll", typeof(EmbedTool).Assembly);

    public static ToolRun Run(string workingDirectory, params string[] arguments) => s_program.Run(workingDirectory, arguments);

    public static Process Start(string workingDirectory, params string[] arguments) => s_program.Start(workingDirectory, arguments);

    public static void Interrupt(Process process) => SampleProgram.Interrupt(process);

    public static SortedDictionary<string, string> Hashes(string directory) => FileHashes.OfDirectory(directory);
}
