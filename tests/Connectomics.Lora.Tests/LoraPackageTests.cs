using Connectomics.Gpu.Models;

namespace Connectomics.Lora.Tests;

public sealed class LoraPackageTests
{
    [Fact]
    public void The_package_reaches_the_encoder_through_the_public_training_seam_only()
    {
        var gpu = typeof(ITrainableEncoder).Assembly;
        var grants = gpu.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), inherit: false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .ToList();
        Assert.DoesNotContain(grants, name => name.StartsWith("Connectomics.Lora", StringComparison.Ordinal));
        Assert.Contains(grants, name => name.StartsWith("Connectomics.Gpu.Tests", StringComparison.Ordinal));
    }
}
