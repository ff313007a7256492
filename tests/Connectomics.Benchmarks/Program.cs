using BenchmarkDotNet.Running;
using Connectomics.Benchmarks;
using Connectomics.Gpu.Runtime;

// `side-by-side ...` prints JSON timings for tools/bench/compare_with_pytorch.py, `memory-soak ...` resident memory
// over a long stream of reads, `padding ...` the batcher's padding share, `search-side-by-side ...` exact vector search
// against the official LanceDB client, `parquet-rss ...`, `lance-write-side-by-side ...` and `lance-stream ...` the
// storage measurements; `pipeline-side-by-side ...` the embedding job against its encoder, its peak memory and its
// shards; `checkpointing-memory ...` the activation memory of a training step with gradient checkpointing off and on;
// `taxonomy-baselines ...` the RDP and nearest-neighbour classifiers on the synthetic taxonomy set;
// `taxonomy-lora ...` the masked-LM pre-trained, LoRA-tuned encoder on the same split;
// `lora-train-side-by-side ...` the time of a LoRA, full or masked-LM training step for
// tools/bench/compare_lora_train_with_pytorch.py; `codec-side-by-side ...` the volume codecs' decode speed for
// tools/bench/compare_codecs_with_numcodecs.py; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "codec-side-by-side")
{
    // Volume codecs against numcodecs (tools/bench/compare_codecs_with_numcodecs.py); no libtorch needed.
    return Connectomics.Benchmarks.Volumes.CodecSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "side-by-side")
{
    return ForwardTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "lora-train-side-by-side")
{
    return TrainingStepTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "padding")
{
    return PaddingReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "search-side-by-side")
{
    return await SearchSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "memory-soak")
{
    // Measured with the fast CPU settings (see docs/benchmarks.md).
    TorchRuntime.Configure(BenchmarkRuntime.Options(fastCpu: true, mklDispatch: null));
    return await MemorySoak.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "checkpointing-memory")
{
    return CheckpointingMemory.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "parquet-rss")
{
    return await ParquetRss.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "lance-write-side-by-side")
{
    return await LanceWriteSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "lance-stream")
{
    return await LanceStream.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "taxonomy-baselines")
{
    return TaxonomyBaselines.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "taxonomy-lora")
{
    return await TaxonomyLoraComparison.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "pipeline-side-by-side")
{
    // The fast CPU settings, as connectomics-embed configures them (MKL's dispatch from CONNECTOMICS_MKL_VENDOR_DISPATCH).
    TorchRuntime.Configure(BenchmarkRuntime.Options(fastCpu: true, mklDispatch: null));
    return await PipelineSideBySide.Run(args[1..]);
}

// In-process unless told otherwise: the benchmarks share this process's libtorch instead of building a copy of it
// (1.5 GB of native files) for every run. The suites run with the fast CPU settings, MKL's dispatch from
// CONNECTOMICS_MKL_VENDOR_DISPATCH.
TorchRuntime.Configure(BenchmarkRuntime.Options(fastCpu: true, mklDispatch: null));
var arguments = args.Contains("--inProcess") || args.Contains("-i") || args.Contains("--runtimes") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(EncoderThroughputBenchmarks).Assembly).Run(arguments);
return 0;
