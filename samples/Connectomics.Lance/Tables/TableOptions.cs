using System.CommandLine;
using System.CommandLine.Parsing;

namespace Connectomics.Lance.Tables;

/// <summary>The <c>--db</c> and <c>--table</c> options every command takes.</summary>
internal sealed class TableOptions
{
    private readonly Option<string> _database = new("--db")
    {
        Description = "The database directory (the folder LanceDB connects to).",
        Required = true,
    };

    private readonly Option<string> _table = new("--table")
    {
        Description = "The table name; the table lives in <db>/<name>.lance.",
        Required = true,
    };

    public TableOptions()
    {
        _database.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--db is empty.");
            }
        });
        _table.Validators.Add(r =>
        {
            var name = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            {
                r.AddError($"--table '{name}' is not a table name (no path separators).");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_database);
        command.Options.Add(_table);
    }

    public TableLocation Get(ParseResult parsed) => new(parsed.GetValue(_database)!, parsed.GetValue(_table)!);
}
