using System.Runtime.InteropServices;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Finds the file the dynamic loader binds a needed library name to in this process, by loading it by bare name
/// (the loader's own search) and asking the loader for the path it used.
/// </summary>
internal static partial class HostLibraryResolver
{
    private const int RtldDiLinkMap = 2;

    /// <summary>Returns the path the loader uses for <paramref name="fileName"/>, or <see langword="null"/>.</summary>
    /// <param name="fileName">A needed name such as <c>libstdc++.so.6</c>.</param>
    /// <returns>The path, or <see langword="null"/> when the loader cannot find the library.</returns>
    public static string? Resolve(string fileName)
    {
        if (!NativeLibrary.TryLoad(fileName, out var handle))
        {
            return null;
        }

        try
        {
            return PathOf(handle);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    /// <summary>Returns the load base (<c>l_addr</c>) of a library the loader has open.</summary>
    /// <param name="handle">A handle from <see cref="NativeLibrary.Load(string)"/>.</param>
    /// <returns>The base address, or <see cref="IntPtr.Zero"/> when the loader cannot tell.</returns>
    public static IntPtr BaseAddressOf(IntPtr handle)
    {
        var linkMap = LinkMapOf(handle);
        return linkMap == IntPtr.Zero ? IntPtr.Zero : Marshal.ReadIntPtr(linkMap);
    }

    private static string? PathOf(IntPtr handle)
    {
        var linkMap = LinkMapOf(handle);
        if (linkMap == IntPtr.Zero)
        {
            return null;
        }

        // struct link_map { ElfW(Addr) l_addr; char *l_name; ... }
        var namePointer = Marshal.ReadIntPtr(linkMap, IntPtr.Size);
        var name = Marshal.PtrToStringUTF8(namePointer);
        return string.IsNullOrEmpty(name) ? null : name;
    }

    private static IntPtr LinkMapOf(IntPtr handle)
    {
        IntPtr linkMap;
        try
        {
            if (DlInfo(handle, RtldDiLinkMap, out linkMap) != 0)
            {
                return IntPtr.Zero;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.34 keeps dlinfo in libdl.
            if (DlInfoLibDl(handle, RtldDiLinkMap, out linkMap) != 0)
            {
                return IntPtr.Zero;
            }
        }

        return linkMap;
    }

    [LibraryImport("libc.so.6", EntryPoint = "dlinfo")]
    private static partial int DlInfo(IntPtr handle, int request, out IntPtr info);

    [LibraryImport("libdl.so.2", EntryPoint = "dlinfo")]
    private static partial int DlInfoLibDl(IntPtr handle, int request, out IntPtr info);
}
