using BenchmarkDotNet.Attributes;
using Connectomics.Gpu.Inference;
using Connectomics.Sequences;

namespace Connectomics.Benchmarks;

/// <summary>
/// End-to-end embedding of 1 kb reads (171 tokens each: CLS, 166 six-mers, 4 single letters) on the CPU:
/// tokenization, batching, the encoder and pooling, one device batch per call. Reported time is per batch:
/// reads/s = Batch / time, tokens/s = 171 × Batch / time.
/// </summary>
[MemoryDiagnoser]
public class EncoderThroughputBenchmarks
{
    private NucleotideTransformerEmbedder? _embedder;
    private SequenceRecord[] _reads = [];

    [Params("tiny", "v2-50m")]
    public string Preset { get; set; } = "tiny";

    [Params(8, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _reads = SyntheticReads.Create(Batch, 1000, 1000);
        _embedder = NucleotideTransformerEmbedder.CreateBuilder()
            .FromPreset(Preset)
            .OnDevice("cpu")
            .Configure(o =>
            {
                o.MaxBatchSize = Batch;
                o.MaxBatchTokens = Batch * 171;
                o.CpuThreads = Environment.ProcessorCount;
            })
            .Build();
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder?.Dispose();

    [Benchmark(Description = "embed a batch of 1 kb reads")]
    public async Task<int> Embed()
    {
        var embeddings = await _embedder!.EmbedAsync(_reads);
        return embeddings.Count;
    }
}
