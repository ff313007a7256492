using System.ComponentModel.DataAnnotations;
using Connectomics.Chunks;

namespace Connectomics.Pipelines;

/// <summary>
/// How a pipeline runs: which run and shard it is, how often it commits, how work is chunked and batched, how much is
/// queued between stages, and what happens to bad records. Validated when the pipeline is built (and, through
/// dependency injection, when the host starts).
/// </summary>
public sealed class EmbeddingPipelineOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets the run's identity. Re-running with the same run id continues the run; its commits are found by it.
    /// </summary>
    /// <value>The default value is <c>default</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", ErrorMessage = "The run id must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.")]
    public string RunId { get; set; } = EmbeddingPipelineDefaults.RunId;

    /// <summary>Gets or sets which shard of the run this process does.</summary>
    /// <value>The default value is <see cref="ShardAssignment.Single"/>.</value>
    [Required]
    public ShardAssignment Shard { get; set; } = ShardAssignment.Single;

    /// <summary>Gets or sets a value indicating whether to start the run over, replacing the table's contents, instead of resuming.</summary>
    /// <value>The default value is <see langword="false"/>: resume.</value>
    public bool Restart { get; set; }

    /// <summary>Gets or sets the longest time between commits.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan CheckpointInterval { get; set; } = EmbeddingPipelineDefaults.CheckpointInterval;

    /// <summary>Gets or sets the most rows between commits.</summary>
    /// <value>The default value is 100 000.</value>
    [Range(1, long.MaxValue)]
    public long CheckpointRows { get; set; } = EmbeddingPipelineDefaults.CheckpointRows;

    /// <summary>
    /// Gets or sets the most records (blocks) between commits, besides <see cref="CheckpointRows"/> and
    /// <see cref="CheckpointInterval"/>; null for no such limit.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, long.MaxValue)]
    public long? CheckpointRecords { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether quarantined records are tried again by a resumed run instead of counting
    /// as done: each is listed in the commits (<see cref="Stores.CommitTag.Retry"/>) until a later attempt succeeds.
    /// Meant for sources whose records are expensive units of work that may fail for passing reasons (volume blocks).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Only under <see cref="BadRecordPolicy.Quarantine"/> (a failing record fails the run under
    /// <see cref="BadRecordPolicy.Fail"/>). Each quarantined record is written to the quarantine on its own, keyed by its
    /// own offset, so a retry that fails again replaces that record's earlier entry; one that succeeds leaves its entry
    /// there (the table is what is done).
    /// </para>
    /// <para>
    /// A resumed run first reads each listed record alone at its offset and sends it through the stages, then goes on
    /// from the commit's position. <see cref="PipelineResult.RecordsRejected"/> then counts the shard's records that are
    /// set aside now (a retry that succeeds takes one off, one that fails again adds none), equal to
    /// <see cref="PipelineResult.RetryPending"/>; a run that reaches the end with records still pending returns
    /// <see cref="PipelineOutcome.Completed"/> with <see cref="PipelineResult.RetryPending"/> above 0, and the shard is
    /// not <see cref="PipelineOutcome.AlreadyComplete"/> until a later run has done them.
    /// </para>
    /// </remarks>
    /// <value>The default value is <see langword="false"/>: a quarantined record is done.</value>
    public bool RetryQuarantined { get; set; }

    /// <summary>
    /// Gets or sets the records per chunk. Chunks are the unit of batching and of commit positions: a resumed run
    /// re-reads whole chunks, so the same chunk size reproduces an uninterrupted run's vectors exactly.
    /// </summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 1 << 20)]
    public int ChunkSize { get; set; } = EmbeddingPipelineDefaults.ChunkSize;

    /// <summary>Gets or sets the model cost (tokens) per call to the model; a single larger input goes alone.</summary>
    /// <value>The default value is 32 768.</value>
    [Range(1, int.MaxValue)]
    public int TokensPerBatch { get; set; } = EmbeddingPipelineDefaults.TokensPerBatch;

    /// <summary>Gets or sets the threads that prepare (tokenize) records in parallel.</summary>
    /// <value>The default value is the number of processors.</value>
    [Range(1, 1024)]
    public int PrepareWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the concurrent calls into the model (one per device or CPU worker the model has).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, 256)]
    public int EncodeWorkers { get; set; } = 1;

    /// <summary>Gets or sets the chunks each stage's queue holds; with the chunk size it bounds memory.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1024)]
    public int QueueCapacity { get; set; } = EmbeddingPipelineDefaults.QueueCapacity;

    /// <summary>Gets or sets what happens to bad records.</summary>
    /// <value>The default value is <see cref="BadRecordPolicy.Quarantine"/>.</value>
    public BadRecordPolicy BadRecords { get; set; } = BadRecordPolicy.Quarantine;

    /// <summary>Gets or sets the largest share of a record's model units (tokens) that may be unknown before it is a bad
    /// record; the share is over the record's own units, without those the model adds (<see cref="Embeddings.PreparedInput.AddedUnits"/>).</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.0, 1.0)]
    public double MaxUnknownShare { get; set; } = EmbeddingPipelineDefaults.MaxUnknownShare;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CheckpointInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(CheckpointInterval)} must be positive, not {CheckpointInterval}.", [nameof(CheckpointInterval)]);
        }

        if (Restart && Shard is { Count: > 1 })
        {
            yield return new ValidationResult(
                $"{nameof(Restart)} replaces the whole table, which would remove the other shards' rows; with {Shard.Count} shards remove the table (or choose another) instead.",
                [nameof(Restart), nameof(Shard)]);
        }
    }
}
