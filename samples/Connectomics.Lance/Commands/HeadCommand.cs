using System.CommandLine;
using Connectomics.Lance.Output;
using Connectomics.Lance.Tables;

namespace Connectomics.Lance.Commands;

/// <summary><c>head</c>: the first rows of a table, as a text table or as JSON lines.</summary>
internal sealed class HeadCommand : Command
{
    private readonly TableOptions _table = new();

    private readonly Option<int> _rows = new("-n", "--rows")
    {
        Description = "How many rows to show.",
        DefaultValueFactory = _ => 10,
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "One JSON object per row, vectors as arrays of numbers that read back to the same float32 values.",
    };

    public HeadCommand()
        : base("head", "Shows the first rows of a table.")
    {
        _rows.MustBeAtLeast(0);
        _table.AddTo(this);
        Options.Add(_rows);
        Options.Add(_json);
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var table = await _table.Get(parsed).OpenAsync(cancellationToken);
            var batches = await TableRows.FirstAsync(table, parsed.GetValue(_rows), cancellationToken);
            if (parsed.GetValue(_json))
            {
                using var stdout = Console.OpenStandardOutput();
                JsonLinesWriter.Write(stdout, batches);
            }
            else
            {
                TextTableWriter.Write(Console.Out, table.Schema, batches);
            }

            return 0;
        }));
    }
}
