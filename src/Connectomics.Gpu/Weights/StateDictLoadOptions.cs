namespace Connectomics.Gpu.Weights;

/// <summary>
/// How <see cref="StateDictLoader"/> matches checkpoint tensors to a module's state dict. The defaults suit the
/// Nucleotide Transformer checkpoints on the Hugging Face hub (<c>EsmForMaskedLM</c> layouts).
/// </summary>
public sealed class StateDictLoadOptions
{
    /// <summary>
    /// Gets the prefixes of checkpoint keys to skip when the module has no tensor of that name: heads and buffers an
    /// embedding model does not use. A key the module does have is loaded even when it matches.
    /// </summary>
    /// <value>The default value is <c>["lm_head.", "esm.contact_head."]</c>.</value>
    public IList<string> IgnoredKeyPrefixes { get; } = ["lm_head.", "esm.contact_head."];

    /// <summary>
    /// Gets the exact checkpoint keys to skip when the module has no tensor of that name. Integer tensors listed
    /// here are never read.
    /// </summary>
    /// <value>The default value is <c>["esm.embeddings.position_ids"]</c> (an I64 buffer some v1 checkpoints carry).</value>
    public IList<string> IgnoredKeys { get; } = ["esm.embeddings.position_ids"];

    /// <summary>
    /// Gets or sets which module keys may be absent from the checkpoint; such tensors keep the values the module
    /// gave them. <see langword="null"/> makes every module key required.
    /// </summary>
    /// <value>
    /// The default value accepts keys whose last segment is <c>inv_freq</c>: rotary frequency buffers, which some
    /// checkpoints store and others leave to be recomputed.
    /// </value>
    public Func<string, bool>? IsOptionalKey { get; set; } = static key => key == "inv_freq" || key.EndsWith(".inv_freq", StringComparison.Ordinal);

    /// <summary>
    /// Gets or sets the prefix that a full-model checkpoint puts before the base model's keys. A checkpoint key that
    /// is not a module key is matched by removing this prefix when it has it, or adding it when it lacks it, so a
    /// bare base-model module loads a full-model checkpoint and the other way round. An exact key match always wins,
    /// and a module key matched exactly is never matched a second time through the prefix. <see langword="null"/> or
    /// empty turns prefix matching off.
    /// </summary>
    /// <value>The default value is <c>"esm."</c>.</value>
    public string? BaseModelPrefix { get; set; } = "esm.";

    internal bool IsIgnored(string checkpointKey)
    {
        if (Matches(checkpointKey))
        {
            return true;
        }

        var prefix = BaseModelPrefix;
        if (string.IsNullOrEmpty(prefix))
        {
            return false;
        }

        // Ignore rules are written against the full-model names; test the key under both namings.
        return checkpointKey.StartsWith(prefix, StringComparison.Ordinal)
            ? Matches(checkpointKey[prefix.Length..])
            : Matches(prefix + checkpointKey);
    }

    private bool Matches(string key)
    {
        foreach (var ignored in IgnoredKeys)
        {
            if (string.Equals(ignored, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in IgnoredKeyPrefixes)
        {
            if (!string.IsNullOrEmpty(prefix) && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
