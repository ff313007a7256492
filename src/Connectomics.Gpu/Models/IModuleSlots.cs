using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// A module whose named children (the projections) may be swapped for another module of the same signature, such as
/// an adapter that wraps the original. The containers route their forward passes through the slot, so a replacement
/// takes effect at once and its parameters appear in the state dict under the slot's name.
/// </summary>
internal interface IModuleSlots
{
    /// <summary>Gets the names of the replaceable children, as they appear in the state dict.</summary>
    IReadOnlyList<string> SlotNames { get; }

    /// <summary>Gets the module in a slot.</summary>
    /// <param name="name">One of <see cref="SlotNames"/>.</param>
    /// <returns>The module.</returns>
    nn.Module<Tensor, Tensor> GetSlot(string name);

    /// <summary>Puts a module into a slot; the caller owns the module it took out.</summary>
    /// <param name="name">One of <see cref="SlotNames"/>.</param>
    /// <param name="module">The new module.</param>
    void SetSlot(string name, nn.Module<Tensor, Tensor> module);

    /// <summary>Sets the dtype that inputs are converted to before they enter the projections.</summary>
    /// <param name="dtype">Float32, BFloat16 or Float16.</param>
    void SetProjectionType(ScalarType dtype);
}
