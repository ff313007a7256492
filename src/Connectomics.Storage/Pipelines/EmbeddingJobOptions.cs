using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Connectomics.Pipelines;

/// <summary>
/// An embedding job as a worker service runs it: the reads and their columns, the LanceDB table, the quarantine, the
/// model registration and the run's options. Validated when the host starts.
/// </summary>
public sealed class EmbeddingJobOptions : IValidatableObject
{
    /// <summary>Gets or sets the reads: files, directories and globs.</summary>
    [Required]
    [MinLength(1, ErrorMessage = "At least one input (a file, directory or glob) is required.")]
    public IList<string> Inputs { get; set; } = [];

    /// <summary>Gets or sets the format of the reads.</summary>
    /// <value>The default value is <see cref="ReadFormat.Parquet"/>.</value>
    public ReadFormat Format { get; set; } = ReadFormat.Parquet;

    /// <summary>Gets or sets the Parquet id column.</summary>
    /// <value>The default value is <c>id</c>.</value>
    [Required]
    public string IdColumn { get; set; } = "id";

    /// <summary>Gets or sets the Parquet sequence column.</summary>
    /// <value>The default value is <c>sequence</c>.</value>
    [Required]
    public string SequenceColumn { get; set; } = "sequence";

    /// <summary>Gets or sets the Parquet columns copied into the table with their types.</summary>
    public IList<string> KeptColumns { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether to tokenize letters as they are instead of upper-casing soft-masked bases.</summary>
    public bool KeepCase { get; set; }

    /// <summary>Gets or sets the LanceDB database directory.</summary>
    [Required]
    public string Database { get; set; } = null!;

    /// <summary>Gets or sets the table.</summary>
    [Required]
    public string Table { get; set; } = null!;

    /// <summary>Gets or sets where quarantined records go.</summary>
    /// <value>The default value is null: <c>&lt;Database&gt;/&lt;Table&gt;.quarantine</c>.</value>
    public string? QuarantineDirectory { get; set; }

    /// <summary>
    /// Gets or sets the name of the <see cref="Embeddings.IEmbeddingModel{TInput}"/> registration to use (a keyed
    /// service), or null for the unnamed one.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the run: its id, shard, commit interval, batching and bad-record policy.</summary>
    [ValidateObjectMembers]
    public EmbeddingPipelineOptions Pipeline { get; set; } = new();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Format != ReadFormat.Parquet && KeptColumns.Count > 0)
        {
            yield return new ValidationResult(
                $"{nameof(KeptColumns)} applies to Parquet; FASTA and FASTQ keep the header's description.", [nameof(KeptColumns), nameof(Format)]);
        }

        if (Inputs.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{nameof(Inputs)} holds an empty entry.", [nameof(Inputs)]);
        }
    }
}
