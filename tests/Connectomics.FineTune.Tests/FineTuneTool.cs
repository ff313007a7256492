using System.Diagnostics;

namespace Connectomics.FineTune.Tests;

/// <summary>The tool, <c>connectomics-finetune</c>, run in its own process in a working directory, as a user runs it.</summary>
internal static class FineTuneTool
{
    private static readonly SampleProgram s_program = new("Connectomics.FineTune", "connectomics-finetune.dll", typeof(FineTuneTool).Assembly);

    public static ToolRun Run(string workingDirectory, params string[] arguments) => s_program.Run(workingDirectory, arguments);

    public static Process Start(string workingDirectory, params string[] arguments) => s_program.Start(workingDirectory, arguments);

    public static string Hash(string path) => FileHashes.Of(path);

    public static SortedDictionary<string, string> Hashes(string directory) => FileHashes.OfDirectory(directory);
}
