namespace Connectomics.Lora.Taxonomy;

/// <summary>How <see cref="TaxonomyPredictor"/> turns logits into labels.</summary>
public sealed class TaxonomyPredictorOptions
{
    private double _minConfidence;

    /// <summary>
    /// Gets or sets a value indicating whether predictions follow the label tree: the kingdom is the most probable
    /// kingdom, and each lower rank the most probable label among those seen in training under the label chosen just
    /// above. When that label has no children, the ranks below are unassigned.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (each rank's most probable label, independently).</value>
    public bool Hierarchical { get; set; }

    /// <summary>
    /// Gets or sets the least probability a rank's label needs to be assigned. A rank below it is unassigned, and so
    /// is every rank below that one. Ranks are tested top-down.
    /// </summary>
    /// <value>The default value is 0 (every rank assigned).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1].</exception>
    public double MinConfidence
    {
        get => _minConfidence;
        set
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "MinConfidence must be in [0, 1].");
            }

            _minConfidence = value;
        }
    }
}
