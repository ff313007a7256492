using System.ComponentModel.DataAnnotations;
using Connectomics.Storage.Inputs;

namespace Connectomics.Storage.Parquet;

/// <summary>What a <see cref="ParquetChunkSource"/> reads and how. Validated once, when the source is created.</summary>
public sealed class ParquetChunkSourceOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets the inputs. Each entry is a Parquet file, a directory (every <c>*.parquet</c> file below it,
    /// recursively) or a glob: <c>*</c> and <c>?</c> match within one path segment and a <c>**</c> segment matches
    /// any number of directories (<c>data/*.parquet</c>, <c>data/**/part-*.parquet</c>). Directories and globs skip
    /// hidden files and directories. All matched files are read once each, in ordinal order of their full paths.
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
    /// Gets or sets the columns kept with each record (in <see cref="Sequences.SequenceRecord.Metadata"/>), by name, in
    /// this order. Each becomes a record column of the type that holds its values: strings as
    /// <see cref="Stores.RecordColumnType.String"/>; int8/16/32 and uint8/16 as <see cref="Stores.RecordColumnType.Int32"/>
    /// (<see cref="int"/> values); int64 and uint32 as <see cref="Stores.RecordColumnType.Int64"/> (<see cref="long"/>);
    /// float, double, boolean, date (<see cref="DateOnly"/>) and timestamp (<see cref="DateTimeOffset"/> in UTC, to the
    /// microsecond) as themselves. Dictionary-encoded columns are read as their values. Other types (uint64, nested
    /// types) are refused with a <see cref="ParquetInputException"/> naming the file and column.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    [Required]
    public IList<string> KeptColumns { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether every column other than the id and sequence columns is kept,
    /// in the order of the first file (instead of <see cref="KeptColumns"/>). Every file must then have the same
    /// other columns.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool KeepAllOtherColumns { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether sequences are upper-cased. Soft-masked regions (repeats in lower case)
    /// are ordinary bases, and a tokenizer that knows only upper-case letters would read each lower-case one as
    /// unknown; turn this off only for a model that tells the cases apart.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UpperCase { get; set; } = true;

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public ParquetChunkSourceOptions Clone()
    {
        var copy = (ParquetChunkSourceOptions)MemberwiseClone();
        copy.Inputs = Inputs is null ? null! : [.. Inputs];
        copy.KeptColumns = KeptColumns is null ? null! : [.. KeptColumns];
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new ParquetChunkSourceOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(ParquetChunkSourceOptions)} is invalid: {string.Join(" ", result.Failures)}");
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

        foreach (var problem in ParquetColumnChecks.Check(IdColumn, SequenceColumn, KeptColumns, nameof(KeptColumns), KeepAllOtherColumns, nameof(KeepAllOtherColumns)))
        {
            yield return problem;
        }
    }
}
