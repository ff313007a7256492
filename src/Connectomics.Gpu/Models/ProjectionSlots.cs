using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// The projections of one module, held by name so that each may be swapped for another module of the same signature
/// (such as an adapter that wraps the original). The owner routes its forward pass through <see cref="Project"/>, so a
/// replacement takes effect at once, and the owner registers each projection under its name, so its parameters appear
/// in the state dict there.
/// </summary>
internal sealed class ProjectionSlots
{
    private readonly nn.Module _owner;
    private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _modules = new(StringComparer.Ordinal);
    private readonly string[] _names;

    /// <summary>Registers <paramref name="projections"/> as children of <paramref name="owner"/>.</summary>
    /// <param name="owner">The module that uses the projections.</param>
    /// <param name="projections">The projections by state-dict name.</param>
    public ProjectionSlots(nn.Module owner, params (string Name, nn.Module<Tensor, Tensor> Module)[] projections)
    {
        _owner = owner;
        _names = projections.Select(p => p.Name).ToArray();
        foreach (var (name, module) in projections)
        {
            _modules.Add(name, module);
            owner.register_module(name, module);
        }
    }

    /// <summary>Gets the names of the projections, as they appear in the state dict.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets or sets the dtype that inputs are converted to before they enter a projection.</summary>
    public ScalarType InputType { get; set; } = ScalarType.Float32;

    /// <summary>Gets the module now in a slot.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The module.</returns>
    public nn.Module<Tensor, Tensor> this[string name]
        => _modules.TryGetValue(name, out var module) ? module : throw UnknownSlot(name);

    /// <summary>
    /// Runs the projection <paramref name="name"/> on <paramref name="input"/> converted to <see cref="InputType"/>. A
    /// plain <see cref="Linear"/> whose weights are stored in another dtype computes in <see cref="InputType"/> on
    /// copies of its weights cast for the call (as autocast does), so float32 weights stay the trained ones while the
    /// matrix products run in bfloat16; a replacement module receives the converted input and computes in its dtype.
    /// </summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="input">The input.</param>
    /// <returns>The projection's output: in <see cref="InputType"/> for a plain projection computed with cast weights,
    /// else in the projection's dtype.</returns>
    public Tensor Project(string name, Tensor input)
    {
        var module = this[name];
        var x = input.to(InputType);
        if (module is Linear linear && linear.weight is { } weight && weight.dtype != InputType)
        {
            return nn.functional.linear(x, weight.to(InputType), linear.bias?.to(InputType));
        }

        return module.forward(x);
    }

    /// <summary>Puts a module into a slot and registers it under the slot's name; the caller owns the module taken
    /// out.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="module">The new module.</param>
    public void Replace(string name, nn.Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!_modules.ContainsKey(name))
        {
            throw UnknownSlot(name);
        }

        _modules[name] = module;

        // Registering null removes the old entry; TorchSharp refuses to register a name twice.
        _owner.register_module(name, null!);
        _owner.register_module(name, module);
    }

    private ArgumentException UnknownSlot(string name)
        => new($"'{_owner.GetName()}' has no replaceable module '{name}'; it has {string.Join(", ", _names)}.", nameof(name));
}
