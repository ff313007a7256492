using TorchSharp.Modules;

namespace Connectomics.Lora.Optimization;

/// <summary>Named parameters that share one decoupled weight decay in <see cref="AdamW"/>.</summary>
/// <remarks>The names identify each parameter's optimizer state in saved files (see <see cref="AdamW.SaveState"/>);
/// they are usually the parameters' names in the model's state dict.</remarks>
public sealed class ParameterGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="parameters">The parameters with their names; the names must be unique and non-empty.</param>
    /// <param name="weightDecay">The decoupled weight decay of the group (0 for none).</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a parameter is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not finite.</exception>
    public ParameterGroup(IEnumerable<(string Name, Parameter Parameter)> parameters, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!double.IsFinite(weightDecay) || weightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be a finite number ≥ 0.");
        }

        var list = new List<(string Name, Parameter Parameter)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A parameter of the group has an empty name.", nameof(parameters));
            }

            if (parameter is null)
            {
                throw new ArgumentException($"The parameter '{name}' is null.", nameof(parameters));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"The parameter name '{name}' appears twice in the group.", nameof(parameters));
            }

            list.Add((name, parameter));
        }

        Parameters = list;
        WeightDecay = weightDecay;
    }

    /// <summary>Gets the parameters with their names, in the order given.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    /// <summary>Gets the decoupled weight decay of the group: each step multiplies the parameters by
    /// 1 − learning rate × weight decay before the Adam update.</summary>
    public double WeightDecay { get; }
}
