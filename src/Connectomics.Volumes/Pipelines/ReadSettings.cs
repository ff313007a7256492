using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// How a volume pipeline reads: the chunk cache's size, parallel chunk reads, retries of transient failures, and the
/// memory the run may hold at most. Set fluently in <see cref="VolumePipelineBuilder.Read"/>.
/// </summary>
public sealed class ReadSettings
{
    internal ReadSettings()
    {
    }

    /// <summary>Gets the chunk cache's limit in decoded bytes (0: no cache).</summary>
    /// <value>The default value is 1/8 of the memory available to the process (<see cref="ChunkCache.DefaultMaxBytes"/>).</value>
    public long CacheMaxBytes { get; private set; } = ChunkCache.DefaultMaxBytes;

    /// <summary>Gets the chunk reads and decodes run at once.</summary>
    /// <value>The default value is 8.</value>
    public int ReadConcurrency { get; private set; } = new VolumeReadOptions().ReadConcurrency;

    /// <summary>Gets the retries of a transient read failure.</summary>
    /// <value>The default value is 3.</value>
    public int RetryCount { get; private set; } = new VolumeReadOptions().Retries;

    /// <summary>Gets the most memory the run's bound may reach (see <see cref="VolumePipelineBuilder.BuildAsync"/>).</summary>
    /// <value>The default value is the memory available to the process.</value>
    public long MaxMemory { get; private set; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Sets the chunk cache's limit.</summary>
    /// <param name="bytes">Decoded bytes; 0 turns the cache off.</param>
    /// <returns>These settings.</returns>
    public ReadSettings CacheBytes(long bytes)
    {
        CacheMaxBytes = bytes;
        return this;
    }

    /// <summary>Sets how many chunk reads and decodes run at once.</summary>
    /// <param name="reads">The reads, 1 to 4096.</param>
    /// <returns>These settings.</returns>
    public ReadSettings Concurrency(int reads)
    {
        ReadConcurrency = reads;
        return this;
    }

    /// <summary>Sets how often a transient read failure is retried.</summary>
    /// <param name="retries">The retries, 0 to 100.</param>
    /// <returns>These settings.</returns>
    public ReadSettings Retries(int retries)
    {
        RetryCount = retries;
        return this;
    }

    /// <summary>Sets the most memory the run's bound may reach; a configuration above it is refused when the pipeline is built.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>These settings.</returns>
    public ReadSettings MaxMemoryBytes(long bytes)
    {
        MaxMemory = bytes;
        return this;
    }
}
