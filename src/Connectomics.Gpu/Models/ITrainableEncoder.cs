using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// What training needs from an encoder, whatever its architecture: the module tree under the names of its reference
/// checkpoints (so a state dict saves and loads by those names), and named access to the projections that adapters
/// wrap. Forward passes are architecture-specific and live on the implementing type; they record gradients whenever
/// autograd is enabled.
/// </summary>
public interface ITrainableEncoder : IDisposable
{
    /// <summary>Gets the name used in logs, metrics and saved adapter configurations.</summary>
    string Name { get; }

    /// <summary>Gets the root module: its parameters, named modules and state dict, under the checkpoint's names.</summary>
    nn.Module Module { get; }

    /// <summary>Gets the device that holds the parameters.</summary>
    Device Device { get; }

    /// <summary>Gets the full names of the modules that <see cref="ReplaceModule"/> accepts (for example
    /// <c>esm.encoder.layer.0.attention.self.query</c>), sorted by name with layer numbers compared by value.</summary>
    IReadOnlyList<string> ReplaceableModuleNames { get; }

    /// <summary>Gets the module now in a replaceable position.</summary>
    /// <param name="name">One of <see cref="ReplaceableModuleNames"/>.</param>
    /// <returns>The module (the original projection, or what replaced it).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not replaceable.</exception>
    nn.Module<Tensor, Tensor> GetModule(string name);

    /// <summary>
    /// Puts <paramref name="replacement"/> in the place of the module <paramref name="name"/>. Forward passes use it
    /// at once, and its parameters appear under <paramref name="name"/> in the state dict.
    /// </summary>
    /// <param name="name">One of <see cref="ReplaceableModuleNames"/>.</param>
    /// <param name="replacement">The new module; it takes the same input and returns the same shape.</param>
    /// <returns>The module taken out; the caller owns it (an adapter usually keeps it as its base layer).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not replaceable.</exception>
    nn.Module<Tensor, Tensor> ReplaceModule(string name, nn.Module<Tensor, Tensor> replacement);

    /// <summary>Switches between training mode and evaluation mode (dropout and similar layers follow).</summary>
    /// <param name="training"><see langword="true"/> for training mode.</param>
    void SetTrainingMode(bool training);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/>.</summary>
    /// <param name="device">The target device.</param>
    void MoveTo(Device device);
}
