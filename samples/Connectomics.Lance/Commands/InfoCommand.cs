using System.CommandLine;
using System.Globalization;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Commands;

/// <summary><c>info</c>: a table's versions, data format, schema, fragments and rows.</summary>
internal sealed class InfoCommand : Command
{
    private readonly TableOptions _table = new();

    public InfoCommand()
        : base("info", "Shows a table's versions, data format, schema, fragments and rows.")
    {
        _table.AddTo(this);
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var location = _table.Get(parsed);
            var table = await location.OpenAsync(cancellationToken);
            var versions = LanceTable.ListVersions(location.Path);
            var output = Console.Out;
            var culture = CultureInfo.InvariantCulture;
            output.WriteLine($"table: {location.Path}");
            output.WriteLine(string.Create(culture, $"version: {table.Version} (versions: {string.Join(", ", versions)})"));
            if (table.Timestamp is { } timestamp)
            {
                output.WriteLine($"committed: {timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", culture)} UTC");
            }

            output.WriteLine($"data format: {table.DataStorageVersion switch
            {
                LanceDataStorageVersion.V2_0 => "2.0",
                LanceDataStorageVersion.V2_1 => "2.1",
                _ => "none (no data files)",
            }}");
            output.WriteLine(string.Create(culture, $"fragments: {table.FragmentCount}"));
            output.WriteLine(string.Create(culture, $"rows: {table.RowCount}"));
            output.WriteLine("schema:");
            foreach (var field in table.Schema.FieldsList)
            {
                output.WriteLine($"  {field.Name}: {ArrowTypeText.Of(field.DataType)}{(field.IsNullable ? string.Empty : " not null")}");
            }

            return 0;
        }));
    }
}
