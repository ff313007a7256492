using System.Globalization;
using Connectomics.Gpu.Tests.Runtime;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>
/// Forward passes on several threads while the garbage collector and the finalizers run all the time, in a process
/// of its own (a native scalar freed while libtorch reads it can crash the process). TorchSharp's temporary
/// <c>Scalar</c> objects are freed by their finalizers; one the library let go of before libtorch had read it made a
/// pass fail with a libtorch error (<c>Scalar::toFloat</c>, <c>Scalar::type</c>) in a few percent of the passes.
/// </summary>
public sealed class ConcurrentForwardTests
{
    [Fact]
    public async Task Forward_passes_on_three_threads_under_constant_collection_match_the_single_threaded_output_bit_for_bit()
    {
        const int Iterations = 200;
        const int Threads = 3;

        var report = await RuntimeProbeProcess.RunAsync(
            "scalar-stress",
            Iterations.ToString(CultureInfo.InvariantCulture),
            Threads.ToString(CultureInfo.InvariantCulture));

        var failed = report.GetProperty("failedCalls").ToString();
        Assert.True(report.GetProperty("errors").GetInt64() == 0, $"{report.GetProperty("errors")} passes failed ({failed}); first: {report.GetProperty("firstError")}");
        Assert.Equal(0, report.GetProperty("mismatches").GetInt64());
        Assert.Equal(Iterations * Threads, report.GetProperty("passes").GetInt64());

        // The collector, started before the passes and stopped after them, ran.
        Assert.True(report.GetProperty("collections").GetInt64() > 0);
    }
}
