using System.Globalization;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// The weight of each rank's cross-entropy in <see cref="TaxonomyLoss"/>. The defaults weigh the upper ranks more,
/// since an error there is worse and their labels are better supported: kingdom 2.0, phylum 1.8, class 1.5,
/// order 1.2, family 1.0, genus 0.8, species 0.6.
/// </summary>
/// <remarks>Setters refuse weights that are negative or not finite; <see cref="Validate"/> also refuses all zeros.</remarks>
public sealed class RankWeights
{
    private readonly double[] _weights = [2.0, 1.8, 1.5, 1.2, 1.0, 0.8, 0.6];

    /// <summary>Gets a new instance with the default weights.</summary>
    public static RankWeights Default => new();

    /// <summary>Gets or sets the kingdom weight.</summary>
    /// <value>The default value is 2.0.</value>
    public double Kingdom { get => this[TaxonomyRank.Kingdom]; set => this[TaxonomyRank.Kingdom] = value; }

    /// <summary>Gets or sets the phylum weight.</summary>
    /// <value>The default value is 1.8.</value>
    public double Phylum { get => this[TaxonomyRank.Phylum]; set => this[TaxonomyRank.Phylum] = value; }

    /// <summary>Gets or sets the class weight.</summary>
    /// <value>The default value is 1.5.</value>
    public double Class { get => this[TaxonomyRank.Class]; set => this[TaxonomyRank.Class] = value; }

    /// <summary>Gets or sets the order weight.</summary>
    /// <value>The default value is 1.2.</value>
    public double Order { get => this[TaxonomyRank.Order]; set => this[TaxonomyRank.Order] = value; }

    /// <summary>Gets or sets the family weight.</summary>
    /// <value>The default value is 1.0.</value>
    public double Family { get => this[TaxonomyRank.Family]; set => this[TaxonomyRank.Family] = value; }

    /// <summary>Gets or sets the genus weight.</summary>
    /// <value>The default value is 0.8.</value>
    public double Genus { get => this[TaxonomyRank.Genus]; set => this[TaxonomyRank.Genus] = value; }

    /// <summary>Gets or sets the species weight.</summary>
    /// <value>The default value is 0.6.</value>
    public double Species { get => this[TaxonomyRank.Species]; set => this[TaxonomyRank.Species] = value; }

    /// <summary>Gets or sets the weight of a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The weight.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative, NaN or infinite.</exception>
    public double this[TaxonomyRank rank]
    {
        get => _weights[TaxonomyPath.RankIndex(rank)];
        set
        {
            var index = TaxonomyPath.RankIndex(rank);
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The {TaxonomyLabels.RankName(rank)} weight must be a finite number ≥ 0.");
            }

            _weights[index] = value;
        }
    }

    /// <summary>Creates weights from seven values, kingdom first.</summary>
    /// <param name="weights">The weights.</param>
    /// <returns>The weights, validated.</returns>
    /// <exception cref="ArgumentException">Not seven values, a value negative or not finite, or all zero.</exception>
    public static RankWeights FromValues(params IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != TaxonomyPath.RankCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Rank weights need {TaxonomyPath.RankCount} values, kingdom first, not {weights.Count}."), nameof(weights));
        }

        var result = new RankWeights();
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            result[(TaxonomyRank)r] = weights[r];
        }

        result.Validate();
        return result;
    }

    /// <summary>Gets the weights, kingdom first.</summary>
    /// <returns>A copy of the seven weights.</returns>
    public double[] ToArray() => (double[])_weights.Clone();

    /// <summary>Checks that at least one weight is positive (each is already finite and ≥ 0).</summary>
    /// <exception cref="ArgumentException">Every weight is zero, so the loss could not train anything.</exception>
    public void Validate()
    {
        if (Array.TrueForAll(_weights, w => w == 0))
        {
            throw new ArgumentException("RankWeights: at least one rank weight must be positive.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", _weights.Select((w, r) => string.Create(CultureInfo.InvariantCulture, $"{TaxonomyLabels.RankName((TaxonomyRank)r)} {w}")));
}
