using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.StateDicts;

/// <summary>Presents a fixed set of named tensors as a module's state dict, so that the safetensors saver and the
/// validating loader of <c>Connectomics.Gpu</c> write them and fill them in place by name.</summary>
/// <remarks>The module does not own the tensors: disposing it leaves them alive.</remarks>
internal sealed class NamedTensorsModule : nn.Module
{
    private readonly IReadOnlyDictionary<string, Tensor> _tensors;

    /// <summary>Creates the view.</summary>
    /// <param name="tensors">The tensors by name.</param>
    public NamedTensorsModule(IReadOnlyDictionary<string, Tensor> tensors)
        : base(nameof(NamedTensorsModule))
    {
        _tensors = tensors;
    }

    /// <summary>Returns the tensors given at construction, under their names (with <paramref name="prefix"/>).</summary>
    /// <param name="destination">The dictionary to add to; a new one when null.</param>
    /// <param name="prefix">A prefix for every name.</param>
    /// <returns>The dictionary.</returns>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in _tensors)
        {
            destination[(prefix ?? string.Empty) + name] = tensor;
        }

        return destination;
    }
}
