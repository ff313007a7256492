namespace Connectomics.Embeddings;

/// <summary>
/// What a model is: its name, vector length, a fingerprint of its weights and configuration, and the settings that
/// shape its vectors (pooling, normalisation). A pipeline stamps it into the table it writes and refuses to resume a
/// run with a model of another fingerprint.
/// </summary>
/// <param name="Name">A short name (a preset or checkpoint directory name).</param>
/// <param name="Dimension">The length of every vector.</param>
/// <param name="Fingerprint">
/// A digest of the weights and every setting that changes the vectors; equal fingerprints mean equal vectors for equal
/// input. Lower-case hex.
/// </param>
public sealed record ModelDescriptor(string Name, int Dimension, string Fingerprint)
{
    /// <summary>Gets the settings that shape the vectors, by name (for example <c>pooling</c> and <c>normalize</c>).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
