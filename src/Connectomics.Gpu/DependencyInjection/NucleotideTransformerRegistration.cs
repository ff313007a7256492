using Connectomics.Gpu.Inference;

namespace Connectomics.Gpu.DependencyInjection;

/// <summary>What <c>AddNucleotideTransformer</c> registers: the model and the embedder options.</summary>
public sealed class NucleotideTransformerRegistration
{
    /// <summary>Gets or sets a Hugging Face checkpoint directory; takes precedence over <see cref="Preset"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Checkpoint { get; set; }

    /// <summary>Gets or sets the preset used (with random weights) when no checkpoint is given.</summary>
    /// <value>The default value is <c>tiny</c>.</value>
    public string Preset { get; set; } = "tiny";

    /// <summary>Gets or sets the seed of a preset's random weights.</summary>
    /// <value>The default value is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets the embedder options.</summary>
    public NucleotideTransformerEmbedderOptions Embedder { get; } = new();
}
