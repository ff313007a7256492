using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed partial class NativeHeapTuningTests
{
    [Fact]
    public unsafe void Large_blocks_come_from_the_heap_once_tuned()
    {
        Assert.True(NativeHeapTuning.ApplyAllocatorSettings());
        Assert.True(NativeHeapTuning.ApplyAllocatorSettings());

        var before = GlibcMallocStatistics.Read();
        var block = NativeMemory.Alloc(40 << 20);
        try
        {
            var during = GlibcMallocStatistics.Read();
            // 40 MiB is above the largest threshold glibc ever uses for mmap (32 MiB), so untuned it is always mmapped;
            // tuned, it comes from a heap and no new mmapped block appears.
            Assert.Equal(before.MmappedBlocks, during.MmappedBlocks);
            Assert.True(during.HeapBytes >= before.HeapBytes);
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    [Fact]
    public void A_worker_thread_reuses_a_freed_heap_instead_of_faulting_it_in_again()
    {
        Assert.True(NativeHeapTuning.ApplyAllocatorSettings());
        long firstFaults = 0, laterFaults = 0;
        var worker = new Thread(() => (firstFaults, laterFaults) = AllocateLikeABatchLoop()) { IsBackground = true };
        worker.Start();
        worker.Join();

        // Untuned, the second 40 MiB block lands in a heap of its own that glibc unmaps when the block is freed, so
        // every repetition faults all of its pages in again (about 10,240 each). Tuned, the heap stays mapped and
        // the eight repetitions together fault in less than the first one did.
        Assert.True(firstFaults > 1000, $"the first block faulted in only {firstFaults} pages");
        Assert.True(laterFaults < firstFaults, $"8 repetitions faulted {laterFaults} pages, the first one {firstFaults}");
    }

    private static unsafe (long First, long Later) AllocateLikeABatchLoop()
    {
        const int size = 40 << 20;
        var resident = NativeMemory.Alloc(size); // fills most of this thread's first 64 MiB heap
        try
        {
            Touch(resident, size);
            long first = 0, later = 0;
            for (var i = 0; i < 9; i++)
            {
                var start = ThreadMinorFaults();
                var transient = NativeMemory.Alloc(size); // does not fit beside it: a second heap
                Touch(transient, size);
                NativeMemory.Free(transient);
                var faults = ThreadMinorFaults() - start;
                if (i == 0)
                {
                    first = faults;
                }
                else
                {
                    later += faults;
                }
            }

            return (first, later);
        }
        finally
        {
            NativeMemory.Free(resident);
        }
    }

    private static unsafe void Touch(void* block, int size)
    {
        var bytes = (byte*)block;
        for (var offset = 0; offset < size; offset += 4096)
        {
            bytes[offset] = 1;
        }
    }

    private static long ThreadMinorFaults()
    {
        const int rusageThread = 1;
        Assert.Equal(0, GetRUsage(rusageThread, out var usage));
        return usage.MinorFaults;
    }

    [Fact]
    public void Libtorch_is_asked_for_huge_pages_through_the_c_environment()
    {
        NativeHeapTuning.RequestHugePages();
        var value = Marshal.PtrToStringUTF8(GetEnv(NativeHeapTuning.HugePagesVariable));
        Assert.Equal("1", value);
        Assert.Equal("1", NativeHeapTuning.HugePagesSetting());
        Assert.False(NativeHeapTuning.RequestHugePages()); // already set: left as it is
    }

    [LibraryImport("libc.so.6", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, out ResourceUsage usage);

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct ResourceUsage
    {
        public readonly long UserSeconds;
        public readonly long UserMicroseconds;
        public readonly long SystemSeconds;
        public readonly long SystemMicroseconds;
        public readonly long MaxResident;
        public readonly long SharedText;
        public readonly long UnsharedData;
        public readonly long UnsharedStack;
        public readonly long MinorFaults;
        public readonly long MajorFaults;
        public readonly long Swaps;
        public readonly long BlocksIn;
        public readonly long BlocksOut;
        public readonly long MessagesSent;
        public readonly long MessagesReceived;
        public readonly long Signals;
        public readonly long VoluntarySwitches;
        public readonly long InvoluntarySwitches;
    }
}
