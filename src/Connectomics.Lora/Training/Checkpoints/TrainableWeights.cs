using Connectomics.Gpu.Weights;
using Connectomics.Lora.StateDicts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>
/// The exact values of the parameters a run trains, by name, in one safetensors file of a checkpoint
/// (<c>trainable.safetensors</c>, in each parameter's own dtype): what a resume loads back in place, bit for bit.
/// </summary>
internal static class TrainableWeights
{
    /// <summary>The file name inside a checkpoint.</summary>
    public const string FileName = "trainable.safetensors";

    /// <summary>Writes the parameters.</summary>
    /// <param name="parameters">The parameters by name.</param>
    /// <param name="path">The file to create.</param>
    public static void Save(IEnumerable<(string Name, Parameter Parameter)> parameters, string path)
    {
        var tensors = parameters.ToDictionary(p => p.Name, p => (Tensor)p.Parameter, StringComparer.Ordinal);
        using var module = new NamedTensorsModule(tensors);
        var options = new StateDictSaveOptions();
        options.Metadata["content"] = "connectomics.trainable-weights/1";
        StateDictSaver.Save(module, path, options);
    }

    /// <summary>Fills the parameters in place from a file written by <see cref="Save"/>.</summary>
    /// <param name="parameters">The parameters by name; the file must hold exactly these names and shapes.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="StateDictMismatchException">The file's names or shapes differ; the message names the file.</exception>
    public static void Load(IEnumerable<(string Name, Parameter Parameter)> parameters, string path)
    {
        var tensors = parameters.ToDictionary(p => p.Name, p => (Tensor)p.Parameter, StringComparer.Ordinal);
        using var module = new NamedTensorsModule(tensors);
        var options = new StateDictLoadOptions { BaseModelPrefix = null, IsOptionalKey = null };
        options.IgnoredKeyPrefixes.Clear();
        options.IgnoredKeys.Clear();
        StateDictLoader.Load(module, path, options);
    }
}
