using System.Runtime.CompilerServices;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Lora.Tests;

/// <summary>Loads TorchSharp's native library through <see cref="TorchRuntime"/> before any test touches
/// <c>torch</c> directly (a test that builds tensors before calling into the library would otherwise initialise
/// TorchSharp without the host-compatible native copy).</summary>
internal static class TorchRuntimeModuleInitializer
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        if (TorchRuntime.Current is null)
        {
            TorchRuntime.Configure(new TorchRuntimeOptions());
        }
    }
}
