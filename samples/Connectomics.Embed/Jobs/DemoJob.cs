using System.CommandLine;
using Connectomics.Embed.Cli;
using Connectomics.Embed.Demo;
using Connectomics.Samples.Inputs;
using Microsoft.Extensions.Logging;

namespace Connectomics.Embed.Jobs;

/// <summary>
/// What the tool does with no input: makes the demo reads as Parquet, embeds them into a table with the main job (so a
/// second run resumes and finds it complete), and runs one similarity search over the table.
/// </summary>
internal static class DemoJob
{
    public const string Table = "demo_reads";

    public static async Task<int> RunAsync(ParseResult parsed, EmbedCommandLine options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(parsed.GetValue(options.DemoDirectory)!);
        var reads = Path.Combine(directory, "reads", "demo-reads.parquet");
        var database = Path.Combine(directory, "vectors");
        var count = parsed.GetValue(options.DemoReads);
        if (count < 1)
        {
            throw new FormatException("--demo-reads must be at least 1.");
        }

        await DemoDataset.WriteAsync(reads, count, cancellationToken);
        Console.Error.WriteLine($"demo: {count} synthetic reads with taxonomy and coordinates in {reads}");

        var request = new TableRequest([reads], InputFormat.Parquet, DemoDataset.IdColumn, DemoDataset.SequenceColumn, DemoDataset.KeptColumns, KeepCase: false, database, Table);
        var (code, result) = await TableJob.RunAsync(parsed, options, request, loggerFactory, cancellationToken);
        if (code != ExitCodes.Success || result is null)
        {
            return code;
        }

        await DemoSearch.WriteNeighboursAsync(database, Table, "read-00000", k: 5, Console.Out, cancellationToken);
        Console.Out.WriteLine($"the table opens in LanceDB: lancedb.connect(\"{database}\").openTable(\"{Table}\")");
        return ExitCodes.Success;
    }
}
