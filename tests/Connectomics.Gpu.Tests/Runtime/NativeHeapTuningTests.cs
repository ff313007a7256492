using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed partial class NativeHeapTuningTests
{
    [Fact]
    public unsafe void Large_blocks_come_from_the_heap_once_tuned()
    {
        Assert.True(NativeHeapTuning.Apply());
        Assert.True(NativeHeapTuning.Apply());
        Assert.True(NativeHeapTuning.IsApplied);

        var before = MallInfo2();
        var block = NativeMemory.Alloc(40 << 20);
        try
        {
            var during = MallInfo2();
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
    public void Libtorch_is_asked_for_huge_pages_through_the_c_environment()
    {
        Assert.True(NativeHeapTuning.Apply());
        var value = Marshal.PtrToStringUTF8(GetEnv(NativeHeapTuning.HugePagesVariable));
        Assert.Equal("1", value);
    }

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena;
        public readonly nuint OrdinaryBlocks;
        public readonly nuint SmallBlocks;
        public readonly nuint MmappedBlocks;
        public readonly nuint MmappedBytes;
        public readonly nuint Unused1;
        public readonly nuint Unused2;
        public readonly nuint AllocatedBytes;
        public readonly nuint FreeBytes;
        public readonly nuint KeepCost;

        public nuint HeapBytes => Arena;
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial MallocInfo MallInfo2();
}
