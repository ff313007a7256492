using Connectomics.Gpu.Runtime;

namespace Connectomics.Lora.Tests.Optimization;

/// <summary>Loads TorchSharp's native library the way Connectomics.Gpu does on its first use (with the default
/// runtime settings), for tests that create tensors before touching any model.</summary>
internal static class TorchForTests
{
    private static readonly TorchRuntimeState State = TorchRuntime.Configure(new TorchRuntimeOptions());

    /// <summary>Makes sure the native library is loaded.</summary>
    public static void Ensure() => GC.KeepAlive(State);
}
