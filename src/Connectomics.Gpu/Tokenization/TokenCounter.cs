namespace Connectomics.Gpu.Tokenization;

/// <summary>A token sink that only counts, so that counting allocates nothing.</summary>
internal struct TokenCounter : ITokenSink
{
    /// <summary>Gets the number of ids received so far.</summary>
    public int Count { get; private set; }

    /// <inheritdoc />
    public void Add(int id) => Count++;
}
