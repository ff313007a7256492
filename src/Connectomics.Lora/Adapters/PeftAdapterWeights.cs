using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connectomics.Gpu.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// PEFT's <c>adapter_model.safetensors</c>: the A and B weights of every adapted module under PEFT's saved names,
/// <c>base_model.model.&lt;module&gt;.lora_A.weight</c> [r, in] and <c>….lora_B.weight</c> [out, r], float32, with
/// <c>{"format": "pt"}</c> metadata. Reading also accepts the names PEFT uses in memory (with an adapter-name level,
/// <c>lora_A.default.weight</c>) and names without the <c>base_model.model.</c> prefix.
/// </summary>
internal static partial class PeftAdapterWeights
{
    /// <summary>The file name inside an adapter directory.</summary>
    public const string FileName = "adapter_model.safetensors";

    /// <summary>The pickle file older PEFT versions write instead, which is not read.</summary>
    public const string LegacyFileName = "adapter_model.bin";

    /// <summary>The prefix PEFT puts before every saved key.</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>The name of the down projection A.</summary>
    public const string LoraA = "lora_A";

    /// <summary>The name of the up projection B.</summary>
    public const string LoraB = "lora_B";

    /// <summary>Gets the saved key of a factor of a module's adapter.</summary>
    /// <param name="module">The module's state-dict name, e.g. <c>esm.encoder.layer.0.attention.self.query</c>.</param>
    /// <param name="factor"><see cref="LoraA"/> or <see cref="LoraB"/>.</param>
    /// <returns>The key.</returns>
    public static string KeyOf(string module, string factor) => $"{KeyPrefix}{module}.{factor}.weight";

    /// <summary>Splits a saved key into the module name (as written, prefix removed) and the factor.</summary>
    /// <param name="key">The tensor name.</param>
    /// <param name="module">The module name, without <c>base_model.model.</c>.</param>
    /// <param name="factor"><see cref="LoraA"/> or <see cref="LoraB"/>.</param>
    /// <returns><see langword="true"/> when the key names a LoRA weight.</returns>
    public static bool TryParseKey(string key, out string module, out string factor)
    {
        var name = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
        var match = LoraKey().Match(name);
        module = match.Success ? match.Groups["module"].Value : string.Empty;
        factor = match.Success ? match.Groups["factor"].Value : string.Empty;
        return match.Success;
    }

    /// <summary>Removes the <c>base_model.model.</c> prefix of a saved key, if it has one.</summary>
    /// <param name="key">The tensor name.</param>
    /// <returns>The name relative to the model.</returns>
    public static string WithoutPrefix(string key) => key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;

    /// <summary>Writes the tensors (converted to float32 on the CPU) as a safetensors file, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors by saved key.</param>
    public static void Write(string path, IReadOnlyList<(string Key, Tensor Tensor)> tensors)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var data = new List<float[]>(ordered.Count);
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            long offset = 0;
            foreach (var (key, tensor) in ordered)
            {
                var values = ToFloatArray(tensor);
                data.Add(values);
                json.WriteStartObject(key);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var size in tensor.shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += values.LongLength * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // The data buffer starts 8-byte aligned, as the reference writer pads its header with spaces.
        while (header.Length % 8 != 0)
        {
            header.WriteByte((byte)' ');
        }

        AtomicFileWriter.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            header.WriteTo(stream);
            foreach (var values in data)
            {
                WriteLittleEndian(stream, values);
            }
        });
    }

    /// <summary>Reads a tensor of a safetensors checkpoint as a float32 CPU tensor.</summary>
    /// <param name="checkpoint">The open file.</param>
    /// <param name="tensor">The entry.</param>
    /// <returns>The tensor; the caller disposes it.</returns>
    /// <exception cref="LoraAdapterFormatException">The dtype is not a floating-point type.</exception>
    public static Tensor ReadFloat32(SafetensorsCheckpoint checkpoint, SafetensorsTensorInfo tensor)
    {
        var bytes = checkpoint.GetTensorData(tensor.Name);
        var values = new float[tensor.ElementCount];
        switch (tensor.DType)
        {
            case SafetensorsDType.F32:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }

                break;
            case SafetensorsDType.F64:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }

                break;
            case SafetensorsDType.F16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }

                break;
            case SafetensorsDType.BF16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
                }

                break;
            default:
                throw new LoraAdapterFormatException(
                    $"'{checkpoint.Path}': tensor '{tensor.Name}' has dtype {tensor.DType}; adapter weights must be F32, F16, BF16 or F64.",
                    checkpoint.Path,
                    tensor.Name);
        }

        return torch.tensor(values, [.. tensor.Shape]);
    }

    private static float[] ToFloatArray(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return tensor.detach().to(ScalarType.Float32, torch.CPU).contiguous().data<float>().ToArray();
    }

    private static void WriteLittleEndian(Stream stream, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> buffer = stackalloc byte[4];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    [GeneratedRegex(@"^(?<module>.+)\.(?<factor>lora_A|lora_B)(?:\.[^.]+)?\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex LoraKey();
}
