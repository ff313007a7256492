using System.Runtime.InteropServices;

namespace Connectomics.Testing;

/// <summary>
/// What glibc's allocator reports about the process (<c>mallinfo2</c>): tests observe with it whether large blocks
/// come from fresh mappings or from the heap, which the allocator's parameters decide.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly partial struct GlibcMallocStatistics
{
    /// <summary>Gets the bytes of the main heap (non-mmapped space).</summary>
    public readonly nuint Arena;

    /// <summary>Gets the number of free chunks.</summary>
    public readonly nuint OrdinaryBlocks;

    /// <summary>Gets the number of free fastbin blocks.</summary>
    public readonly nuint SmallBlocks;

    /// <summary>Gets the number of blocks currently served by their own mapping.</summary>
    public readonly nuint MmappedBlocks;

    /// <summary>Gets the bytes in blocks served by their own mapping.</summary>
    public readonly nuint MmappedBytes;

    /// <summary>Unused by glibc.</summary>
    public readonly nuint Unused1;

    /// <summary>Unused by glibc.</summary>
    public readonly nuint Unused2;

    /// <summary>Gets the bytes allocated from the heaps.</summary>
    public readonly nuint AllocatedBytes;

    /// <summary>Gets the free bytes in the heaps.</summary>
    public readonly nuint FreeBytes;

    /// <summary>Gets the bytes that trimming could release at the top of the heap.</summary>
    public readonly nuint KeepCost;

    /// <summary>Gets the bytes of the main heap.</summary>
    public nuint HeapBytes => Arena;

    /// <summary>Reads the statistics now.</summary>
    public static GlibcMallocStatistics Read() => MallInfo2();

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial GlibcMallocStatistics MallInfo2();
}
