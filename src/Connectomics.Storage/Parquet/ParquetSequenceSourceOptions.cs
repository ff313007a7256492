using System.ComponentModel.DataAnnotations;
using Connectomics.Storage.Inputs;

namespace Connectomics.Storage.Parquet;

/// <summary>What a <see cref="ParquetSequenceSource"/> reads and how. Validated once, when the source is created.</summary>
public sealed class ParquetSequenceSourceOptions : IValidatableObject
{
    private int _batchSize = ParquetSequenceDefaults.BatchSize;

    /// <summary>
    /// Gets or sets the inputs. Each entry is a Parquet file, a directory (every <c>*.parquet</c> file below it,
    /// recursively) or a glob: <c>*</c> and <c>?</c> match within one path segment and a <c>**</c> segment matches
    /// any number of directories (<c>data/*.parquet</c>, <c>data/**/part-*.parquet</c>). All matched files are read
    /// once each, in ordinal order of their full paths, whatever the order of the entries. Directories and globs
    /// skip hidden files and directories (on Unix, names starting with <c>.</c>), so a writer's temporary files are
    /// never picked up; a relative entry is resolved against the current directory.
    /// </summary>
    /// <value>The default value is an empty list; at least one entry is required.</value>
    [Required]
    public IList<string> Inputs { get; set; } = [];

    /// <summary>Gets or sets the column that holds the record id: a string column, or an integer column whose
    /// values are formatted with the invariant culture.</summary>
    /// <value>The default value is <c>"id"</c>.</value>
    [Required]
    public string IdColumn { get; set; } = ParquetSequenceDefaults.IdColumn;

    /// <summary>Gets or sets the column that holds the sequence; it must be a string column.</summary>
    /// <value>The default value is <c>"sequence"</c>.</value>
    [Required]
    public string SequenceColumn { get; set; } = ParquetSequenceDefaults.SequenceColumn;

    /// <summary>
    /// Gets or sets the columns copied into <see cref="Sequences.SequenceRecord.Metadata"/>, by name. Values keep
    /// their type: string → <see cref="string"/>; int8/16/32/64 → <see cref="sbyte"/>/<see cref="short"/>/<see cref="int"/>/<see cref="long"/>;
    /// uint8/16/32/64 → <see cref="byte"/>/<see cref="ushort"/>/<see cref="uint"/>/<see cref="ulong"/>;
    /// float → <see cref="float"/>; double → <see cref="double"/>; boolean → <see cref="bool"/>;
    /// date → <see cref="DateOnly"/>; timestamp (any unit) → <see cref="DateTimeOffset"/> in UTC (offset zero;
    /// a timestamp stored without a time zone is taken as UTC). Dictionary-encoded columns (pandas categoricals) read
    /// as their values. A null value becomes <see langword="null"/>.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    [Required]
    public IList<string> MetadataColumns { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether every column other than the id and sequence columns is
    /// copied into the metadata, in file order (instead of <see cref="MetadataColumns"/>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeAllOtherColumns { get; set; }

    /// <summary>Gets or sets the most records in one batch. A batch never spans row groups, so the last batch of a
    /// row group may be shorter. Memory in use is bounded by about one batch of each read column, whatever the
    /// file or row-group size.</summary>
    /// <value>The default value is 4096.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    [Range(1, int.MaxValue)]
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _batchSize = value;
        }
    }

    /// <summary>Gets or sets where reading starts (usually <see cref="ParquetSequenceBatch.Next"/> of the last
    /// processed batch, from a checkpoint); <see langword="null"/> starts at the first row of the first file.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ParquetReadPosition? StartPosition { get; set; }

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public ParquetSequenceSourceOptions Clone()
    {
        var copy = (ParquetSequenceSourceOptions)MemberwiseClone();
        copy.Inputs = Inputs is null ? null! : [.. Inputs];
        copy.MetadataColumns = MetadataColumns is null ? null! : [.. MetadataColumns];
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new ParquetSequenceSourceOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(ParquetSequenceSourceOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the settings that attributes cannot express: list entries and settings that depend on each
    /// other.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in InputListChecks.Check(Inputs, nameof(Inputs)))
        {
            yield return problem;
        }

        foreach (var problem in ParquetColumnChecks.Check(IdColumn, SequenceColumn, MetadataColumns, nameof(MetadataColumns), IncludeAllOtherColumns, nameof(IncludeAllOtherColumns)))
        {
            yield return problem;
        }
    }
}
