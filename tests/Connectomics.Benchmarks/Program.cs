using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Connectomics.Benchmarks;
using Connectomics.Gpu.Runtime;

// `side-by-side ...` prints JSON timings for tools/bench/compare_with_pytorch.py, `memory-soak ...` resident memory
// over a long stream of reads, `padding ...` the batcher's padding share; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "side-by-side")
{
    return ForwardTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "padding")
{
    return PaddingReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "memory-soak")
{
    return await MemorySoak.Run(args[1..]);
}

// In-process: the benchmarks share this process's libtorch instead of rebuilding a copy of it per run.
TorchNativeRuntime.EnsureLoaded();
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(EncoderThroughputBenchmarks).Assembly).Run(args, config);
return 0;
