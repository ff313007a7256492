using System.CommandLine;
using Connectomics.Lance.Output;
using Connectomics.Lance.Queries;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance.Search;

namespace Connectomics.Lance.Commands;

/// <summary><c>search</c>: the nearest rows to a query vector (exact search, as LanceDB's flat search).</summary>
internal sealed class SearchCommand : Command
{
    private const string VectorColumn = "vector";

    private readonly TableOptions _table = new();

    private readonly Option<float[]> _vector = new("--vector")
    {
        Description = "The query vector: comma-separated numbers, as many as the table's vectors have.",
        CustomParser = QueryVectorText.Parse,
    };

    private readonly Option<string?> _vectorFile = new("--vector-file")
    {
        Description = "A file with the query vector: numbers separated by commas, spaces or newlines, or a .npy float32/float64 1-D array.",
    };

    private readonly Option<string?> _id = new("--id")
    {
        Description = "Search with the vector of the row whose --id-column holds this value; that row is listed too, at distance 0.",
    };

    private readonly Option<string> _idColumn = new("--id-column")
    {
        Description = "The column --id is looked up in.",
        DefaultValueFactory = _ => "id",
    };

    private readonly Option<int> _limit = new("-k")
    {
        Description = "How many nearest rows to return.",
        DefaultValueFactory = _ => 10,
    };

    private readonly Option<string> _metric = new("--metric")
    {
        Description = "Distance: l2 (squared Euclidean, as LanceDB), cosine or dot.",
        DefaultValueFactory = _ => "l2",
    };

    private readonly Option<string?> _where = new("--where")
    {
        Description = "Keep only rows that match, before choosing the nearest, e.g. \"label = 'abc' AND count >= 3\".",
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "One JSON object per neighbour: every column plus _distance.",
    };

    public SearchCommand()
        : base("search", "Finds the rows whose vectors are nearest to a query vector (--vector, --vector-file or --id).")
    {
        _limit.MustBeAtLeast(1);
        _metric.AcceptOnlyFromAmong("l2", "cosine", "dot");
        _table.AddTo(this);
        Options.Add(_vector);
        Options.Add(_vectorFile);
        Options.Add(_id);
        Options.Add(_idColumn);
        Options.Add(_limit);
        Options.Add(_metric);
        Options.Add(_where);
        Options.Add(_json);
        Validators.Add(result =>
        {
            var given = new[] { _vector, (Option)_vectorFile, _id }.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (given.Count != 1)
            {
                result.AddError($"give exactly one of --vector, --vector-file and --id{(given.Count > 1 ? $" (got {string.Join(", ", given)})" : string.Empty)}.");
            }
        });
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var location = _table.Get(parsed);
            var table = await location.OpenAsync(cancellationToken);
            var vector = parsed.GetValue(_vectorFile) is { } file
                ? QueryVectorFile.Read(file)
                : parsed.GetValue(_id) is { } id
                    ? await RowVector.FindAsync(table, location, parsed.GetValue(_idColumn)!, id, VectorColumn, cancellationToken)
                    : parsed.GetValue(_vector)!;
            VectorQuery query;
            try
            {
                query = table.Search(vector, VectorColumn)
                    .Metric(parsed.GetValue(_metric) switch
                    {
                        "cosine" => DistanceMetric.Cosine,
                        "dot" => DistanceMetric.Dot,
                        _ => DistanceMetric.L2,
                    })
                    .Limit(parsed.GetValue(_limit));
                if (parsed.GetValue(_where) is { } predicate)
                {
                    query = query.Where(predicate);
                }
            }
            catch (ArgumentException e)
            {
                throw new CommandInputException($"table '{location.Name}': {WithoutParameterName(e)}", e);
            }

            var result = await query.ToBatchAsync(cancellationToken);
            if (parsed.GetValue(_json))
            {
                using var stdout = Console.OpenStandardOutput();
                JsonLinesWriter.Write(stdout, [result]);
            }
            else
            {
                TextTableWriter.Write(Console.Out, result.Schema, [result]);
            }

            return 0;
        }));
    }

    /// <summary>Gets the message without the " (Parameter 'x')" suffix, which names C# code rather than the command line.</summary>
    private static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
}
