namespace Connectomics.Pipelines;

/// <summary>The embed stage's settings, set fluently in <see cref="EmbeddingPipelineBuilder{TRecord}.Embed"/>.</summary>
public sealed class EmbedSettings
{
    private readonly EmbeddingPipelineOptions _options;

    internal EmbedSettings(EmbeddingPipelineOptions options) => _options = options;

    /// <summary>Sets the model cost (tokens) per call to the model.</summary>
    /// <param name="tokens">The tokens, at least 1.</param>
    /// <returns>These settings.</returns>
    public EmbedSettings TokensPerBatch(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        _options.TokensPerBatch = tokens;
        return this;
    }

    /// <summary>Sets the threads that prepare (tokenize) records.</summary>
    /// <param name="workers">The threads, at least 1.</param>
    /// <returns>These settings.</returns>
    public EmbedSettings PrepareWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _options.PrepareWorkers = workers;
        return this;
    }

    /// <summary>Sets the concurrent calls into the model.</summary>
    /// <param name="workers">The calls, at least 1.</param>
    /// <returns>These settings.</returns>
    public EmbedSettings EncodeWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _options.EncodeWorkers = workers;
        return this;
    }

    /// <summary>Sets the largest share of unknown tokens a record may have before it is a bad record.</summary>
    /// <param name="share">From 0 to 1.</param>
    /// <returns>These settings.</returns>
    public EmbedSettings MaxUnknownShare(double share)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        _options.MaxUnknownShare = share;
        return this;
    }
}
