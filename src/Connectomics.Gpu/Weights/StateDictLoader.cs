using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Copies a safetensors checkpoint into a TorchSharp module's parameters and persistent buffers, by state-dict name,
/// onto the device and dtype each tensor already has.
/// </summary>
/// <remarks>
/// <para>
/// Matching is checked in full before any byte is copied: module keys the checkpoint lacks (unless optional),
/// checkpoint keys the module lacks (unless ignored), shape differences and unloadable dtypes are gathered into one
/// <see cref="StateDictMismatchException"/>, and the module is left unchanged.
/// </para>
/// <para>
/// Loading then goes one tensor at a time and never holds a second copy of the model: a tensor whose target is a
/// contiguous CPU tensor of the same dtype is copied straight from the memory-mapped file; otherwise a temporary CPU
/// tensor of the checkpoint's dtype is filled from the file, copied into the target with <c>copy_</c> under
/// <c>no_grad</c> (which converts F16/BF16/F32/F64 and moves to the target's device), and disposed at once.
/// </para>
/// <para>The module must not be used by other threads while it loads.</para>
/// </remarks>
public static class StateDictLoader
{
    /// <summary>Opens the checkpoint at <paramref name="checkpointPath"/> and loads it into <paramref name="module"/>.</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="checkpointPath">A checkpoint directory, safetensors file or index file (see <see cref="SafetensorsCheckpoint.Open(string)"/>).</param>
    /// <param name="options">Matching rules; <see langword="null"/> uses the defaults.</param>
    /// <returns>What was loaded, skipped and left alone.</returns>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit the module.</exception>
    /// <exception cref="SafetensorsFormatException">The checkpoint is malformed.</exception>
    /// <exception cref="FileNotFoundException">No checkpoint exists at <paramref name="checkpointPath"/>.</exception>
    public static StateDictLoadResult Load(torch.nn.Module module, string checkpointPath, StateDictLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        TorchRuntime.EnsureApplied();
        using var checkpoint = SafetensorsCheckpoint.Open(checkpointPath);
        return Load(module, checkpoint, options);
    }

    /// <summary>Loads an open checkpoint into <paramref name="module"/>.</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="checkpoint">The checkpoint; it stays open and owned by the caller.</param>
    /// <param name="options">Matching rules; <see langword="null"/> uses the defaults.</param>
    /// <returns>What was loaded, skipped and left alone.</returns>
    /// <exception cref="StateDictMismatchException">The checkpoint does not fit the module.</exception>
    public static StateDictLoadResult Load(torch.nn.Module module, SafetensorsCheckpoint checkpoint, StateDictLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);
        TorchRuntime.EnsureApplied();
        options ??= new StateDictLoadOptions();

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; loading it on a big-endian host is not supported.");
        }

        var target = module.state_dict();
        var plan = Match(target, checkpoint, options, out var ignored, out var missingOptional);
        var bytesRead = Copy(target, plan);
        return new StateDictLoadResult(
            checkpoint.Path,
            plan.Select(p => p.ModuleKey).Order(StringComparer.Ordinal).ToArray(),
            ignored,
            missingOptional,
            bytesRead);
    }

    private static List<Assignment> Match(
        Dictionary<string, torch.Tensor> target,
        SafetensorsCheckpoint checkpoint,
        StateDictLoadOptions options,
        out string[] ignored,
        out string[] missingOptional)
    {
        // Checkpoint key per module key; exact names are claimed before any prefix rewriting.
        var claimed = new Dictionary<string, SafetensorsCheckpointEntry>(StringComparer.Ordinal);
        var unmatched = new List<SafetensorsCheckpointEntry>();
        foreach (var entry in checkpoint.Entries.Values)
        {
            if (target.ContainsKey(entry.Name))
            {
                claimed.Add(entry.Name, entry);
            }
            else
            {
                unmatched.Add(entry);
            }
        }

        var unexpected = new List<string>();
        var ignoredList = new List<string>();
        var prefix = options.BaseModelPrefix;
        foreach (var entry in unmatched)
        {
            var name = entry.Name;
            string? candidate = null;
            if (!string.IsNullOrEmpty(prefix))
            {
                candidate = name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : prefix + name;
            }

            if (candidate is not null && target.ContainsKey(candidate) && claimed.TryAdd(candidate, entry))
            {
                continue;
            }

            if (options.IsIgnored(name))
            {
                ignoredList.Add(name);
            }
            else
            {
                unexpected.Add(name);
            }
        }

        var missing = new List<string>();
        var optional = new List<string>();
        var shapes = new List<StateDictShapeMismatch>();
        var dtypes = new List<StateDictDTypeMismatch>();
        var plan = new List<Assignment>(claimed.Count);
        foreach (var (key, tensor) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!claimed.TryGetValue(key, out var entry))
            {
                (options.IsOptionalKey?.Invoke(key) == true ? optional : missing).Add(key);
                continue;
            }

            var expectedShape = tensor.shape;
            if (!entry.Info.ShapeSpan.SequenceEqual(expectedShape))
            {
                shapes.Add(new StateDictShapeMismatch(key, entry.Name, expectedShape, entry.Info.Shape));
                continue;
            }

            var targetType = tensor.dtype;
            if (!TorchDTypes.TryToScalarType(entry.Info.DType, out var sourceType)
                || (TorchDTypes.IsFloatingPoint(entry.Info.DType) && !TorchDTypes.IsFloatingOrComplex(targetType)))
            {
                dtypes.Add(new StateDictDTypeMismatch(key, entry.Name, targetType.ToString(), entry.Info.DType));
                continue;
            }

            plan.Add(new Assignment(key, entry, sourceType));
        }

        if (missing.Count > 0 || unexpected.Count > 0 || shapes.Count > 0 || dtypes.Count > 0)
        {
            unexpected.Sort(StringComparer.Ordinal);
            throw new StateDictMismatchException(checkpoint.Path, missing, unexpected, shapes, dtypes);
        }

        ignoredList.Sort(StringComparer.Ordinal);
        ignored = ignoredList.ToArray();
        missingOptional = optional.ToArray();
        return plan;
    }

    private static long Copy(Dictionary<string, torch.Tensor> target, List<Assignment> plan)
    {
        long bytes = 0;
        using var noGrad = torch.no_grad();
        foreach (var assignment in plan)
        {
            var destination = target[assignment.ModuleKey];
            var info = assignment.Entry.Info;
            var source = assignment.Entry.File.GetTensorDataPointer(info);
            bytes += info.ByteLength;
            if (info.ElementCount == 0)
            {
                continue;
            }

            if (destination.device_type == DeviceType.CPU && destination.dtype == assignment.SourceType && destination.is_contiguous())
            {
                TensorMemory.CopyInto(destination, source, info.ByteLength);
                continue;
            }

            using var staging = torch.empty(info.GetShapeArray(), assignment.SourceType, torch.CPU);
            TensorMemory.CopyInto(staging, source, info.ByteLength);
            destination.copy_(staging);
        }

        return bytes;
    }

    private sealed record Assignment(string ModuleKey, SafetensorsCheckpointEntry Entry, torch.ScalarType SourceType);
}
