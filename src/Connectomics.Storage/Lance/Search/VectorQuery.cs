using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Lance.Search;

/// <summary>
/// An exact (brute-force) k-nearest-neighbour search over one vector column of a <see cref="LanceTable"/>, created by
/// <see cref="LanceTable.Search"/>. It returns the rows LanceDB's flat (unindexed) search returns, with the same
/// <c>_distance</c> values.
/// </summary>
/// <remarks>
/// <para>
/// Every setting is checked when it is made: an unknown column, a malformed predicate or a non-positive limit throws
/// at once. Filters are prefilters, as in LanceDB by default: the result is the <c>k</c> nearest rows among those that
/// match. Deleted rows, rows whose vector is null and rows whose distance is undefined (NaN: a zero-length vector under
/// <see cref="DistanceMetric.Cosine"/>, a NaN item) are never returned.
/// </para>
/// <para>
/// Rows are ordered by distance; rows at equal distance keep the table's scan order (fragment order, then row
/// order), so a search always returns the same rows in the same order.
/// </para>
/// <para>The query is a builder: use it from one thread. <see cref="ToBatchAsync"/> may be called several times.</para>
/// </remarks>
public sealed class VectorQuery
{
    /// <summary>The name of the distance column in the results.</summary>
    public const string DistanceColumn = "_distance";

    private const int DefaultLimit = 10;

    private readonly LanceTable _table;
    private readonly float[] _query;
    private readonly string _vectorColumn;
    private readonly List<ColumnCondition> _conditions = [];
    private DistanceMetric _metric = DistanceMetric.L2;
    private int _limit = DefaultLimit;
    private string[]? _columns;

    internal VectorQuery(LanceTable table, ReadOnlyMemory<float> vector, string vectorColumn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vectorColumn);
        var field = FindField(table, vectorColumn, nameof(vectorColumn));
        if (field.DataType is not FixedSizeListType { ValueDataType: FloatType } list)
        {
            throw new ArgumentException(
                $"Column '{vectorColumn}' is {field.DataType.Name}, not a vector column (a fixed-size list of float32).", nameof(vectorColumn));
        }

        if (vector.Length != list.ListSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The query vector has dimension {vector.Length}; column '{vectorColumn}' holds vectors of dimension {list.ListSize}."),
                nameof(vector));
        }

        var span = vector.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The query vector holds {span[i]} at index {i}; every item must be a finite number."), nameof(vector));
            }
        }

        _table = table;
        _query = vector.ToArray();
        _vectorColumn = vectorColumn;
    }

    /// <summary>Sets the distance metric.</summary>
    /// <param name="metric">The metric; the default is <see cref="DistanceMetric.L2"/>.</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined metric.</exception>
    public VectorQuery Metric(DistanceMetric metric)
    {
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown distance metric.");
        }

        _metric = metric;
        return this;
    }

    /// <summary>Sets how many rows to return at most.</summary>
    /// <param name="k">The number of nearest rows; the default is 10.</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    public VectorQuery Limit(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _limit = k;
        return this;
    }

    /// <summary>
    /// Keeps only rows that match a predicate, before choosing the nearest. Conditions are joined with <c>AND</c>;
    /// each is <c>column op literal</c> (op one of <c>= != &lt;&gt; &lt; &lt;= &gt; &gt;=</c>; literal a single-quoted
    /// string, a number, <c>true</c> or <c>false</c>) or <c>column IS [NOT] NULL</c>, e.g.
    /// <c>label = 'abc' AND count &gt;= 3</c>. A comparison with a null value is not true. Calling it again adds
    /// further conditions.
    /// </summary>
    /// <param name="predicate">The predicate.</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentException">The predicate is malformed (the message names the position), names a
    /// column the table lacks (the message lists the columns), or compares a column with a value of another type.</exception>
    public VectorQuery Where(string predicate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(predicate);
        var conditions = PredicateParser.Parse(predicate);
        foreach (var condition in conditions)
        {
            condition.CheckType(FindField(_table, condition.Column, nameof(predicate)).DataType);
        }

        _conditions.AddRange(conditions);
        return this;
    }

    /// <summary>Chooses the columns of the result, in order; <c>_distance</c> is always added last.</summary>
    /// <param name="columns">The column names; the default is every column of the table.</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentException">A column does not exist (the message lists the columns) or is named twice.</exception>
    public VectorQuery Select(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            FindField(_table, column, nameof(columns));
        }

        var twice = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"Column '{twice.Key}' is selected twice.", nameof(columns));
        }

        _columns = [.. columns];
        return this;
    }

    /// <summary>Runs the search.</summary>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The selected columns and a float32 <c>_distance</c> column, nearest row first; at most the limit rows.</returns>
    /// <exception cref="LanceFormatException">A data file is malformed or uses an encoding this library does not read.</exception>
    public Task<RecordBatch> ToBatchAsync(CancellationToken cancellationToken = default)
    {
        var columns = _columns ?? [.. _table.Schema.FieldsList.Select(f => f.Name)];
        var plan = new ExactSearch(_table, _query, _vectorColumn, _metric, _limit, [.. _conditions], columns);
        return plan.RunAsync(cancellationToken);
    }

    private static Field FindField(LanceTable table, string name, string parameter)
    {
        var field = table.Schema.FieldsList.FirstOrDefault(f => f.Name == name);
        if (field is null)
        {
            var available = string.Join(", ", table.Schema.FieldsList.Select(f => $"'{f.Name}'"));
            throw new ArgumentException($"The table has no column '{name}'. Its columns are {available}.", parameter);
        }

        return field;
    }
}
