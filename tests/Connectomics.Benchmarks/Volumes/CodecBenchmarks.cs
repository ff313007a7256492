using BenchmarkDotNet.Attributes;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Benchmarks.Volumes;

/// <summary>
/// Decoded MiB/s of the volume codecs on a CT-like uint16 volume in 64³ chunks (512 KiB each), the layout of the
/// throughput target: smooth intensities plus noise, encoded by our own encoders.
/// Run: <c>dotnet run -c Release --project tests/Connectomics.Benchmarks -- --filter *CodecBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int Chunks = 8;
    private byte[][] _encoded = [];
    private IBytesCodec _codec = null!;

    /// <summary>Gets or sets the codec, as <see cref="CodecSideBySide.Create"/> names it.</summary>
    [Params("blosc-lz4-shuffle", "blosc-zstd-bitshuffle", "blosc-zlib-shuffle", "zstd", "gzip", "lz4")]
    public string Codec { get; set; } = "blosc-lz4-shuffle";

    [GlobalSetup]
    public void Setup()
    {
        _codec = CodecSideBySide.Create(Codec);
        _encoded = [.. Enumerable.Range(0, Chunks).Select(i => _codec.Encode(CtLikeChunk.Create(64, seed: i), 2))];
    }

    /// <summary>Decodes every chunk once; each operation is one 512 KiB chunk.</summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public int DecodeChunks()
    {
        var total = 0;
        foreach (var chunk in _encoded)
        {
            total += _codec.Decode(chunk, CtLikeChunk.Bytes(64)).Length;
        }

        return total;
    }
}
