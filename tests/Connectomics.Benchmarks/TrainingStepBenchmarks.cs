using BenchmarkDotNet.Attributes;

namespace Connectomics.Benchmarks;

/// <summary>
/// One optimizer step on the v2-50m shape with random weights (see <see cref="TrainingStep"/>): 8 reads of 1 kb
/// (168 tokens each), forward in training mode, then LoRA or full fine-tuning of the taxonomy task (masked-mean
/// pooling, the 7-rank head, the rank-weighted loss) or a masked-LM step; backward and AdamW. Reported time is per
/// step: tokens/s = 8 × 168 / time. The comparison with PyTorch is tools/bench/compare_lora_train_with_pytorch.py.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private TrainingStep? _step;

    [Params("v2-50m")]
    public string Preset { get; set; } = "v2-50m";

    [Params("lora", "full", "mlm")]
    public string Kind { get; set; } = "lora";

    [Params(8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => _step = new TrainingStep(Preset, Kind switch
    {
        "lora" => TrainingStepKind.Lora,
        "full" => TrainingStepKind.Full,
        _ => TrainingStepKind.MaskedLm,
    }, Batch);

    [GlobalCleanup]
    public void Cleanup() => _step?.Dispose();

    [Benchmark(Description = "one optimizer step")]
    public float Step() => _step!.Run();
}
