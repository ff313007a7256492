namespace Connectomics.Gpu.Tokenization;

/// <summary>Receives token ids, in order, as an encoder produces them.</summary>
internal interface ITokenSink
{
    /// <summary>Receives the next token id.</summary>
    /// <param name="id">The id.</param>
    void Add(int id);
}
