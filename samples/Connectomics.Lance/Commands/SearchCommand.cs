using System.CommandLine;
using Connectomics.Lance.Output;
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
        Required = true,
        CustomParser = QueryVectorText.Parse,
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
        : base("search", "Finds the rows whose vectors are nearest to a query vector.")
    {
        _limit.MustBeAtLeast(1);
        _metric.AcceptOnlyFromAmong("l2", "cosine", "dot");
        _table.AddTo(this);
        Options.Add(_vector);
        Options.Add(_limit);
        Options.Add(_metric);
        Options.Add(_where);
        Options.Add(_json);
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var location = _table.Get(parsed);
            var table = await location.OpenAsync(cancellationToken);
            VectorQuery query;
            try
            {
                query = table.Search(parsed.GetValue(_vector)!, VectorColumn)
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
