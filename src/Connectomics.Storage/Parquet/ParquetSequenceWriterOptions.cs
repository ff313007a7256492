using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Parquet;

/// <summary>What a <see cref="ParquetSequenceWriter"/> writes and how. Validated once, when the writer is created.</summary>
public sealed class ParquetSequenceWriterOptions : IValidatableObject
{
    private int _rowGroupSize = ParquetSequenceDefaults.RowGroupSize;

    /// <summary>Gets or sets the file to write. Its directory must exist.</summary>
    /// <value>The default value is <see langword="null"/>; a path is required.</value>
    [Required]
    public string Path { get; set; } = null!;

    /// <summary>Gets or sets the name of the id column (a required string column).</summary>
    /// <value>The default value is <c>"id"</c>.</value>
    [Required]
    public string IdColumn { get; set; } = ParquetSequenceDefaults.IdColumn;

    /// <summary>Gets or sets the name of the sequence column (a required string column).</summary>
    /// <value>The default value is <c>"sequence"</c>.</value>
    [Required]
    public string SequenceColumn { get; set; } = ParquetSequenceDefaults.SequenceColumn;

    /// <summary>Gets or sets the metadata columns, written after the id and sequence columns in this order. Every
    /// metadata key of a written record must be one of them.</summary>
    /// <value>The default value is an empty list.</value>
    [Required]
    public IList<ParquetMetadataColumn> MetadataColumns { get; set; } = [];

    /// <summary>Gets or sets the records per row group (the last row group may be smaller). The writer buffers up
    /// to one row group in memory.</summary>
    /// <value>The default value is 65536.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    [Range(1, int.MaxValue)]
    public int RowGroupSize
    {
        get => _rowGroupSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _rowGroupSize = value;
        }
    }

    /// <summary>Gets or sets a value indicating whether an existing file at <see cref="Path"/> is replaced on
    /// commit; otherwise its presence is an error.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Overwrite { get; set; }

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public ParquetSequenceWriterOptions Clone()
    {
        var copy = (ParquetSequenceWriterOptions)MemberwiseClone();
        copy.MetadataColumns = MetadataColumns is null ? null! : [.. MetadataColumns];
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new ParquetSequenceWriterOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(ParquetSequenceWriterOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the settings that attributes cannot express: list entries and settings that depend on each
    /// other.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(IdColumn) && string.Equals(IdColumn, SequenceColumn, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"{nameof(IdColumn)} and {nameof(SequenceColumn)} are both '{IdColumn}'.");
        }

        if (MetadataColumns is not null)
        {
            if (MetadataColumns.Any(c => c is null || string.IsNullOrWhiteSpace(c.Name)))
            {
                yield return new ValidationResult($"{nameof(MetadataColumns)} has an empty entry or name.");
            }

            var names = MetadataColumns.Where(c => c is not null && !string.IsNullOrWhiteSpace(c.Name)).Select(c => c.Name).ToList();
            var taken = new HashSet<string>(StringComparer.Ordinal) { IdColumn ?? string.Empty, SequenceColumn ?? string.Empty };
            var clashes = names.Where(n => !taken.Add(n)).Distinct(StringComparer.Ordinal).ToList();
            if (clashes.Count > 0)
            {
                yield return new ValidationResult($"{nameof(MetadataColumns)} repeats a column name ({string.Join(", ", clashes.Select(c => $"'{c}'"))}).");
            }

            var undefined = MetadataColumns.Where(c => c is not null && !Enum.IsDefined(c.Type)).Select(c => $"'{c.Name}'").ToList();
            if (undefined.Count > 0)
            {
                yield return new ValidationResult($"{nameof(MetadataColumns)} has an undefined type for {string.Join(", ", undefined)}.");
            }
        }
    }
}
