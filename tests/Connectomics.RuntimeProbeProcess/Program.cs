using System.Globalization;
using System.Text.Json;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Runtime;
using Connectomics.RuntimeProbeProcess;
using Connectomics.Sequences;

// Prints one JSON object: process-wide state before and after the library's first use.
//   defaults    build and run an embedder without configuring anything, then try to configure other settings
//   configured  TorchRuntime.Configure with the fast CPU settings (and MKL's CPU-feature dispatch), configure again
//               with the same and with other settings, then build and run an embedder
//   fingerprint the fingerprint of the tiny preset with seed 7, built with the defaults, and nothing else
//   scalar-stress ITERATIONS THREADS
//               forward passes on THREADS threads while another collects garbage (see ScalarLifetimeStress)
var mode = args.Length >= 1 ? args[0] : throw new ArgumentException("usage: Connectomics.RuntimeProbeProcess defaults|configured|fingerprint|scalar-stress ITERATIONS THREADS");
if (mode == "scalar-stress")
{
    var stress = ScalarLifetimeStress.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
    Console.WriteLine(JsonSerializer.Serialize(stress));
    return 0;
}

if (args.Length != 1)
{
    throw new ArgumentException($"mode '{mode}' takes no arguments");
}

if (mode == "fingerprint")
{
    using var preset = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny", 7).OnDevice("cpu").Build();
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["fingerprint"] = preset.Descriptor.Fingerprint }));
    return 0;
}

var report = new Dictionary<string, object?>
{
    ["before"] = new Dictionary<string, object?>
    {
        ["largeBlockIsMapped"] = ProcessObservations.LargeBlockIsMapped(),
        ["hugePagesVariable"] = ProcessObservations.HugePagesVariable(),
        ["runtimeApplied"] = TorchRuntime.Current is not null,
    },
};

TorchRuntimeState? configured = null;
if (mode == "configured")
{
    var options = TorchRuntimeOptions.ForCpuThroughput();
    options.MklDispatch = MklDispatchMode.CpuFeatures;
    options.IntraOpThreads = 2;
    configured = TorchRuntime.Configure(options);
    report["sameSettingsAgainReturnsTheState"] = ReferenceEquals(configured, TorchRuntime.Configure(options.Clone()));
}
else if (mode != "defaults")
{
    throw new ArgumentException($"unknown mode '{mode}'");
}

var reads = Enumerable.Range(0, 64).Select(i => new SequenceRecord($"r{i}", new string("ACGT"[i % 4], 60 + (i * 7)))).ToList();
int cpuWorkers;
using (var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu").Build())
{
    cpuWorkers = embedder.CpuWorkers;
    await embedder.EmbedAsync(reads);
}

// An embedder whose one worker runs more threads than the process default, then one with the default options again:
// the second must plan as the first did.
var state = TorchRuntime.Current!;
using (var wide = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
    .Configure(o => { o.CpuWorkers = 1; o.CpuThreads = state.IntraOpThreads + 1; }).Build())
{
    await wide.EmbedAsync(reads);
}

using (var again = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu").Build())
{
    report["cpuWorkersOfALaterEmbedder"] = again.CpuWorkers;
    await again.EmbedAsync(reads);
}

report["after"] = new Dictionary<string, object?>
{
    ["largeBlockIsMapped"] = ProcessObservations.LargeBlockIsMapped(),
    ["hugePagesVariable"] = ProcessObservations.HugePagesVariable(),
    ["callingThreadThreads"] = ProcessObservations.CallingThreadThreads(),
    ["freshThreadThreads"] = ProcessObservations.FreshThreadThreads(),
    ["mklVendorCheck"] = ProcessObservations.MklVendorCheckThroughLibtorch(),
};
report["cpuWorkers"] = cpuWorkers;
report["sameStateAsConfigured"] = configured is null || ReferenceEquals(configured, state);
report["state"] = new Dictionary<string, object?>
{
    ["application"] = state.Application.ToString(),
    ["changedProcessState"] = state.ChangedProcessState,
    ["intraOpThreads"] = state.IntraOpThreads,
    ["mklDispatchesOnCpuFeatures"] = state.MklDispatchesOnCpuFeatures,
    ["nativeMode"] = state.NativeLibrary.Mode.ToString(),
    ["loadedLibrary"] = state.NativeLibrary.LoadedLibraryPath,
    ["settings"] = state.Settings.Select(s => new Dictionary<string, object?>
    {
        ["name"] = s.Name,
        ["value"] = s.Value,
        ["source"] = s.Source.ToString(),
        ["changedProcessState"] = s.ChangedProcessState,
        ["detail"] = s.Detail,
    }).ToList(),
};

// Applying other settings now must be refused, naming what differs; the same settings again return the state.
var other = state.Options;
other.TuneNativeHeap = !other.TuneNativeHeap;
try
{
    TorchRuntime.Configure(other);
    report["otherSettingsError"] = null;
}
catch (InvalidOperationException e)
{
    report["otherSettingsError"] = e.Message;
}

report["sameSettingsReturnTheState"] = ReferenceEquals(state, TorchRuntime.Configure(state.Options));
report["afterRefusal"] = new Dictionary<string, object?>
{
    ["largeBlockIsMapped"] = ProcessObservations.LargeBlockIsMapped(),
    ["hugePagesVariable"] = ProcessObservations.HugePagesVariable(),
};
Console.WriteLine(JsonSerializer.Serialize(report));
return 0;
