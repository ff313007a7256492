using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Pipelines;
using Spectre.Console;

namespace Connectomics.Embed.Output;

/// <summary>The summary of a run: a table on a terminal, <c>key: value</c> lines otherwise.</summary>
internal static class RunSummary
{
    public static void Write(IAnsiConsole console, bool interactive, PipelineResult result, string table, string database)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("outcome", result.Outcome switch
            {
                PipelineOutcome.Completed => result.Resumed ? "completed (resumed)" : "completed",
                PipelineOutcome.AlreadyComplete => "already complete: nothing to do",
                _ => "cancelled: committed work kept; run the same command to continue",
            }),
            ("run", $"{result.RunId}, shard {result.Shard}"),
            ("table", $"{table} in {database}"),
            ("version", result.StoreVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("rows written", result.RowsWritten.ToString("N0", CultureInfo.InvariantCulture)),
            ("rows in shard", result.RowsCommitted.ToString("N0", CultureInfo.InvariantCulture)),
            ("records read", result.RecordsRead.ToString("N0", CultureInfo.InvariantCulture)),
            ("bad records", result.RecordsRejected.ToString("N0", CultureInfo.InvariantCulture)
                + (result.RecordsRejected > 0 && result.QuarantineLocation is { } q ? $" (quarantined in {q})" : string.Empty)),
            ("unknown tokens", result.UnknownShare.ToString("P2", CultureInfo.InvariantCulture)),
            ("commits", result.Commits.ToString(CultureInfo.InvariantCulture)),
            ("time", DurationText.Format(result.Elapsed)
                + (result.RecordsRead > 0 && result.Elapsed > TimeSpan.Zero
                    ? string.Create(CultureInfo.InvariantCulture, $" ({result.RecordsRead / result.Elapsed.TotalSeconds:F1} records/s)")
                    : string.Empty)),
        };

        if (interactive)
        {
            var grid = new Table().Border(TableBorder.Rounded).AddColumn("run summary").AddColumn(string.Empty);
            foreach (var (name, value) in rows)
            {
                grid.AddRow(Markup.Escape(name), Markup.Escape(value));
            }

            console.Write(grid);
            return;
        }

        foreach (var (name, value) in rows)
        {
            Console.Out.WriteLine($"{name}: {value}");
        }
    }
}
