using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Saves a TorchSharp module's state dict (parameters and persistent buffers) as safetensors, one file or sharded
/// with a Hugging Face index. Each tensor is copied to the CPU only while its own bytes are written, so saving
/// needs memory for one tensor at a time, not for a second copy of the model.
/// </summary>
/// <remarks>The module must not change while it is being saved.</remarks>
public static class StateDictSaver
{
    /// <summary>Saves the state dict as a single safetensors file, written atomically.</summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="options">Dtype conversion, key prefix and metadata; <see langword="null"/> uses the defaults.</param>
    /// <exception cref="NotSupportedException">A tensor has a dtype safetensors cannot hold (complex or quantized).</exception>
    public static void Save(torch.nn.Module module, string path, StateDictSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new StateDictSaveOptions();
        var writer = new SafetensorsWriter();
        CopyMetadata(options, writer.Metadata);
        Declare(module, options, (name, dtype, shape, write) => writer.Add(name, dtype, shape, write));
        writer.WriteTo(path);
    }

    /// <summary>
    /// Saves the state dict into <paramref name="directory"/> in shards of at most <paramref name="maxShardSize"/>
    /// data bytes plus <c>model.safetensors.index.json</c>, or as a single <c>model.safetensors</c> when it fits.
    /// </summary>
    /// <param name="module">The module to save.</param>
    /// <param name="directory">The target directory; created if missing.</param>
    /// <param name="maxShardSize">The most tensor data bytes per shard (a larger tensor gets a shard of its own).</param>
    /// <param name="options">Dtype conversion, key prefix and metadata; <see langword="null"/> uses the defaults.</param>
    /// <returns>The path to open the checkpoint from: the index file, or the single file.</returns>
    /// <exception cref="NotSupportedException">A tensor has a dtype safetensors cannot hold (complex or quantized).</exception>
    public static string SaveSharded(torch.nn.Module module, string directory, long maxShardSize, StateDictSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new StateDictSaveOptions();
        var writer = new SafetensorsShardedWriter(maxShardSize);
        CopyMetadata(options, writer.Metadata);
        Declare(module, options, (name, dtype, shape, write) => writer.Add(name, dtype, shape, write));
        return writer.WriteTo(directory);
    }

    private static void CopyMetadata(StateDictSaveOptions options, IDictionary<string, string> destination)
    {
        destination.Clear();
        foreach (var pair in options.Metadata)
        {
            destination.Add(pair);
        }
    }

    private static void Declare(torch.nn.Module module, StateDictSaveOptions options, Action<string, SafetensorsDType, long[], Action<Stream>> add)
    {
        TorchRuntime.EnsureApplied();
        foreach (var (key, tensor) in module.state_dict())
        {
            if (!TorchDTypes.TryFromScalarType(tensor.dtype, out var dtype))
            {
                throw new NotSupportedException($"State-dict tensor '{key}' has dtype {tensor.dtype}, which safetensors cannot hold.");
            }

            if (options.FloatingPointDType is { } floating && TorchDTypes.IsFloatingPoint(dtype))
            {
                dtype = floating;
            }

            TorchDTypes.TryToScalarType(dtype, out var scalarType);
            var live = tensor;
            add(options.KeyPrefix + key, dtype, live.shape, stream => WriteTensor(live, scalarType, stream));
        }
    }

    private static void WriteTensor(torch.Tensor tensor, torch.ScalarType scalarType, Stream destination)
    {
        using var noGrad = torch.no_grad();
        using var detached = tensor.detach();
        using var onCpu = detached.to(scalarType, torch.CPU);
        using var contiguous = onCpu.contiguous();
        TensorMemory.WriteTo(contiguous, destination);
    }
}
