using System.Globalization;
using System.Security.Cryptography;
using TorchSharp;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// The SHA-256 digest of every tensor of a module's state dict, in ordinal name order, each with its name, dtype and
/// shape: what a model fingerprint says about the weights.
/// </summary>
/// <remarks>
/// Each tensor's bytes (as they sit in memory, little-endian on every platform TorchSharp ships for) are hashed on
/// their own, and the tensors are spread over the CPU's cores: SHA-256 is sequential within one input, so this tree
/// form is what lets a 10 GB checkpoint be hashed in a few seconds instead of one core's worth.
/// </remarks>
internal static unsafe class StateDictDigest
{
    private const int Chunk = 1 << 30;

    /// <summary>One tensor of the state dict.</summary>
    /// <param name="Name">The state-dict key.</param>
    /// <param name="DType">The element type, as TorchSharp names it (<c>Float32</c>, <c>BFloat16</c>, ...).</param>
    /// <param name="Shape">The shape.</param>
    /// <param name="ByteLength">The number of bytes hashed.</param>
    /// <param name="Sha256">The SHA-256 of those bytes, lower-case hex.</param>
    internal sealed record Entry(string Name, string DType, long[] Shape, long ByteLength, string Sha256)
    {
        /// <summary>Gets the entry as one line of text: name, dtype, shape, byte length and digest, tab-separated.</summary>
        /// <returns>The line, without a line break.</returns>
        public string ToCanonicalLine() =>
            string.Join(
                '\t',
                Name,
                DType,
                "[" + string.Join(',', Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]",
                ByteLength.ToString(CultureInfo.InvariantCulture),
                Sha256);
    }

    /// <summary>Hashes every tensor of <paramref name="module"/>'s state dict (a tensor on another device is copied to
    /// the CPU first).</summary>
    /// <param name="module">The module; it is not changed.</param>
    /// <returns>The entries, in ordinal name order.</returns>
    public static IReadOnlyList<Entry> Compute(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var tensors = module.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var entries = new Entry[tensors.Length];
        var copies = new List<torch.Tensor>();
        try
        {
            // Native calls (pointers, contiguous copies) on this thread; the hashing itself reads plain memory.
            var spans = new (string DType, long[] Shape, nint Pointer, long Length)[tensors.Length];
            for (var i = 0; i < tensors.Length; i++)
            {
                var tensor = tensors[i].Value;
                if (tensor.device_type != DeviceType.CPU)
                {
                    tensor = tensor.cpu();
                    copies.Add(tensor);
                }

                if (!tensor.is_contiguous())
                {
                    tensor = tensor.contiguous();
                    copies.Add(tensor);
                }

                var length = TensorMemory.ByteLength(tensor);
                spans[i] = (tensor.dtype.ToString(), tensor.shape, length == 0 ? 0 : TensorMemory.DataPointer(tensor), length);
            }

            Parallel.For(0, tensors.Length, i =>
            {
                var (dtype, shape, pointer, length) = spans[i];
                entries[i] = new Entry(tensors[i].Key, dtype, shape, length, Hash(pointer, length));
            });
        }
        finally
        {
            foreach (var copy in copies)
            {
                copy.Dispose();
            }
        }

        return entries;
    }

    private static string Hash(nint pointer, long length)
    {
        if (length <= Chunk)
        {
            return Convert.ToHexStringLower(SHA256.HashData(new ReadOnlySpan<byte>((void*)pointer, (int)length)));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long offset = 0; offset < length; offset += Chunk)
        {
            hash.AppendData(new ReadOnlySpan<byte>((byte*)pointer + offset, (int)Math.Min(Chunk, length - offset)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
