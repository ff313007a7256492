namespace Connectomics.Pipelines;

/// <summary>The defaults of <see cref="EmbeddingPipelineOptions"/>.</summary>
internal static class EmbeddingPipelineDefaults
{
    public const string RunId = "default";
    public const long CheckpointRows = 100_000;
    public const int ChunkSize = 1024;
    public const int TokensPerBatch = 32_768;
    public const int QueueCapacity = 4;
    public const double MaxUnknownShare = 0.5;
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromMinutes(5);
}
