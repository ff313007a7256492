using TorchSharp.Modules;

namespace Connectomics.Lora.Optimization;

/// <summary>Splits parameters into the groups that transformer training usually gives AdamW: weight decay on the
/// weight matrices, none on biases and normalisation weights.</summary>
public static class ParameterGroups
{
    /// <summary>Splits named parameters into a group with <paramref name="weightDecay"/> and a group without decay.</summary>
    /// <param name="parameters">The parameters with their state-dict names.</param>
    /// <param name="weightDecay">The decay of the decaying group.</param>
    /// <returns>The decaying group, then the group without decay; an empty group is left out.</returns>
    /// <remarks>A parameter goes without decay when <see cref="IsExemptFromDecay"/> says so: biases and
    /// normalisation (LayerNorm) weights.</remarks>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a parameter is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not finite.</exception>
    public static IReadOnlyList<ParameterGroup> WithDecay(IEnumerable<(string Name, Parameter Parameter)> parameters, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var all = parameters.ToList();
        var decay = new ParameterGroup(all.Where(p => !IsExemptFromDecay(p.Name)), weightDecay);
        var noDecay = new ParameterGroup(all.Where(p => IsExemptFromDecay(p.Name)), 0);
        return new[] { decay, noDecay }.Where(g => g.Parameters.Count > 0).ToArray();
    }

    /// <summary>Tells whether a parameter, by its state-dict name, goes without weight decay: a bias (the last
    /// name part is <c>bias</c>) or a parameter of a normalisation layer (a name part other than the last contains
    /// <c>norm</c>, in any case: <c>LayerNorm</c>, <c>layer_norm</c>, <c>emb_layer_norm_after</c>, <c>norm1</c>).</summary>
    /// <param name="name">The state-dict name, for example <c>esm.encoder.layer.0.attention.LayerNorm.weight</c>.</param>
    /// <returns>True when the parameter should not decay.</returns>
    public static bool IsExemptFromDecay(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('.');
        if (string.Equals(parts[^1], "bias", StringComparison.Ordinal))
        {
            return true;
        }

        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i].Contains("norm", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
