using System.CommandLine;
using System.Globalization;
using Connectomics.Lance.Import;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Commands;

/// <summary><c>import</c>: Parquet files into a Lance table, with one column of float vectors as <c>vector</c>.</summary>
internal sealed class ImportCommand : Command
{
    private readonly Argument<string[]> _inputs = new("inputs")
    {
        Description = "Parquet files, directories (every *.parquet below them) or globs.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly TableOptions _table = new();

    private readonly Option<string> _vector = new("--vector")
    {
        Description = "The column that holds the vectors (a list, large list or fixed-size list of float or double); it becomes 'vector'.",
        Required = true,
    };

    private readonly Option<string> _mode = new("--mode")
    {
        Description = "create (the table must not exist), append, or overwrite (a new version that replaces the rows).",
        DefaultValueFactory = _ => "create",
    };

    private readonly Option<string> _format = new("--format")
    {
        Description = "Data storage version of a new table: 2.0 or 2.1 (appends keep the table's).",
        DefaultValueFactory = _ => "2.1",
    };

    private readonly Option<int> _batchRows = new("--batch-rows")
    {
        Description = "Rows read from Parquet at a time, and the least rows of a Lance page.",
        DefaultValueFactory = _ => 8192,
    };

    public ImportCommand()
        : base("import", "Imports Parquet files into a Lance table, streaming row group by row group.")
    {
        _mode.AcceptOnlyFromAmong("create", "append", "overwrite");
        _format.AcceptOnlyFromAmong("2.0", "2.1");
        _vector.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--vector is empty.");
            }
        });
        _batchRows.MustBeAtLeast(1);
        Arguments.Add(_inputs);
        _table.AddTo(this);
        Options.Add(_vector);
        Options.Add(_mode);
        Options.Add(_format);
        Options.Add(_batchRows);
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var settings = new ImportSettings(
                parsed.GetValue(_inputs)!,
                _table.Get(parsed),
                parsed.GetValue(_vector)!,
                parsed.GetValue(_mode) switch
                {
                    "append" => LanceWriteMode.Append,
                    "overwrite" => LanceWriteMode.Overwrite,
                    _ => LanceWriteMode.Create,
                },
                parsed.GetValue(_format) == "2.0" ? LanceDataStorageVersion.V2_0 : LanceDataStorageVersion.V2_1,
                parsed.GetValue(_batchRows));
            var result = await new ParquetImporter(settings).RunAsync(cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Rows} rows from {result.Files} file(s) to {settings.Table.Path}, version {result.Version}"));
            return 0;
        }));
    }
}
