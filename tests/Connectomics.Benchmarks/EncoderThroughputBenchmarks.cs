using BenchmarkDotNet.Attributes;
using Connectomics.Gpu.Inference;
using Connectomics.Sequences;

namespace Connectomics.Benchmarks;

/// <summary>
/// End-to-end embedding of 1 kb reads (168 tokens each, CLS included) on the CPU: tokenization, batching, the
/// encoder and pooling. Reported time is per read (OperationsPerInvoke = batch): reads/s = 1 / time,
/// tokens/s = 168 / time.
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
                o.MaxBatchTokens = Batch * 168;
                o.CpuThreads = Environment.ProcessorCount;
            })
            .Build();
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder?.Dispose();

    [Benchmark(Description = "embed 1 kb reads (time per read)")]
    public async Task<int> Embed()
    {
        var embeddings = await _embedder!.EmbedAsync(_reads);
        return embeddings.Count;
    }
}
