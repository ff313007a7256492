using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed class ThreadIntraOpThreadsTests
{
    private static int OnNewThread(Func<int> read)
    {
        var value = 0;
        var thread = new Thread(() => value = read());
        thread.Start();
        thread.Join();
        return value;
    }

    [Fact]
    public void A_thread_sets_its_own_count_and_leaves_the_process_default_alone()
    {
        var runtime = TorchRuntime.EnsureApplied();
        Assert.True(runtime.ThreadCounts.IsThreadLocal, "libtorch's OpenMP thread-count function was not found");
        var processDefault = OnNewThread(torch.get_num_threads);
        var wanted = processDefault + 1;

        var seen = OnNewThread(() =>
        {
            runtime.ThreadCounts.SetForCurrentThread(wanted);
            using var a = torch.rand(64, 64);
            using var b = a.matmul(a); // a parallel operation: libtorch's lazy per-thread initialisation must not undo it
            return torch.get_num_threads();
        });

        // torch.set_num_threads would also have made `wanted` the count of every thread new to libtorch.
        Assert.Equal(wanted, seen);
        Assert.Equal(processDefault, OnNewThread(torch.get_num_threads));
        Assert.Equal(runtime.IntraOpThreads, processDefault);
    }
}
