namespace Connectomics.Storage.Parquet;

/// <summary>
/// Which Parquet columns a pipeline reads, set fluently in <c>EmbeddingPipeline.FromParquet</c>:
/// <c>c =&gt; c.Id("sequence_id").Sequence("dna_sequence").Keep("taxonomy", "depth")</c>.
/// </summary>
public sealed class ParquetColumnSelection
{
    private readonly ParquetChunkSourceOptions _options;

    internal ParquetColumnSelection(ParquetChunkSourceOptions options) => _options = options;

    /// <summary>Sets the id column (<see cref="ParquetChunkSourceOptions.IdColumn"/>).</summary>
    /// <param name="column">The column.</param>
    /// <returns>This selection.</returns>
    public ParquetColumnSelection Id(string column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        _options.IdColumn = column;
        return this;
    }

    /// <summary>Sets the sequence column (<see cref="ParquetChunkSourceOptions.SequenceColumn"/>).</summary>
    /// <param name="column">The column.</param>
    /// <returns>This selection.</returns>
    public ParquetColumnSelection Sequence(string column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        _options.SequenceColumn = column;
        return this;
    }

    /// <summary>Keeps columns with each record, after those kept already (<see cref="ParquetChunkSourceOptions.KeptColumns"/>).</summary>
    /// <param name="columns">The columns, in output order.</param>
    /// <returns>This selection.</returns>
    public ParquetColumnSelection Keep(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(column, nameof(columns));
            _options.KeptColumns.Add(column);
        }

        return this;
    }

    /// <summary>Keeps every column other than the id and sequence columns (<see cref="ParquetChunkSourceOptions.KeepAllOtherColumns"/>).</summary>
    /// <returns>This selection.</returns>
    public ParquetColumnSelection KeepAllOthers()
    {
        _options.KeepAllOtherColumns = true;
        return this;
    }

    /// <summary>Keeps sequences in the case they are written in, instead of upper-casing them (<see cref="ParquetChunkSourceOptions.UpperCase"/>).</summary>
    /// <returns>This selection.</returns>
    public ParquetColumnSelection KeepCase()
    {
        _options.UpperCase = false;
        return this;
    }
}
