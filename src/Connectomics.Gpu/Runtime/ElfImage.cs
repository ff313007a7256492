using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// A read-only view of the dynamic-linking tables of an ELF64 little-endian shared object: its needed symbol
/// versions, the versions it defines, and which symbols its relocations bind. Everything is found through the
/// program headers and the dynamic segment, exactly as the dynamic loader finds it, so stripped section headers
/// do not matter.
/// </summary>
internal sealed unsafe class ElfImage : IDisposable
{
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtGnuRelro = 0x6474e552;
    private const long DtNull = 0;
    private const long DtNeeded = 1;
    private const long DtPltRelSz = 2;
    private const long DtStrTab = 5;
    private const long DtSymTab = 6;
    private const long DtRela = 7;
    private const long DtRelaSz = 8;
    private const long DtRelaEnt = 9;
    private const long DtStrSz = 10;
    private const long DtSoName = 14;
    private const long DtRel = 17;
    private const long DtRelSz = 18;
    private const long DtRelEnt = 19;
    private const long DtPltRel = 20;
    private const long DtJmpRel = 23;
    private const long DtVerSym = 0x6ffffff0;
    private const long DtVerDef = 0x6ffffffc;
    private const long DtVerDefNum = 0x6ffffffd;
    private const long DtVerNeed = 0x6ffffffe;
    private const long DtVerNeedNum = 0x6fffffff;

    /// <summary>The flag in a version-need entry that makes a missing version a warning instead of an error.</summary>
    internal const ushort VersionFlagWeak = 0x2;

    private readonly byte* _data;
    private readonly long _length;
    private readonly byte[]? _pinned;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly List<(ulong VAddr, ulong Offset, ulong FileSize)> _loads = [];
    private readonly List<(ulong VAddr, ulong Size)> _relro = [];
    private readonly Dictionary<long, ulong> _dynamic = [];

    private ElfImage(string path, ReadOnlySpan<byte> bytes)
    {
        Path = path;

        // On the pinned object heap: the address stays valid for as long as this image holds the array.
        _pinned = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(_pinned);
        _data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_pinned));
        _length = bytes.Length;
        Parse();
    }

    private ElfImage(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _data = pointer + view.PointerOffset;
        _length = length;
        try
        {
            Parse();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Gets the file the image was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the image's own DT_SONAME, when it has one.</summary>
    public string? SoName { get; private set; }

    /// <summary>Gets the DT_NEEDED entries: the files the image depends on, in order.</summary>
    public IReadOnlyList<string> Needed { get; private set; } = [];

    /// <summary>Gets the symbol versions the image needs, per needed file.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds { get; private set; } = [];

    /// <summary>Gets the names of the symbol versions the image defines (e.g. <c>GLIBCXX_3.4.30</c>).</summary>
    public IReadOnlySet<string> VersionDefinitions { get; private set; } = new HashSet<string>();

    /// <summary>Gets the raw bytes of the image (patching works on a copy of them).</summary>
    public ReadOnlySpan<byte> Bytes => new(_data, checked((int)_length));

    /// <summary>Reads and parses an ELF shared object.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The image.</returns>
    /// <exception cref="TorchRuntimeException">The file is not an ELF64 little-endian object with a dynamic segment.</exception>
    public static ElfImage Read(string path) => new(path, File.ReadAllBytes(path));

    /// <summary>Maps a (possibly very large) ELF shared object read-only instead of reading it into memory.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The image; dispose it to unmap the file.</returns>
    public static ElfImage Map(string path)
    {
        var length = new FileInfo(path).Length;
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            return new ElfImage(path, map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps the file of an image made by <see cref="Map"/>; nothing to do for the others.</summary>
    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map!.Dispose();
        }
    }

    /// <summary>Parses an ELF shared object held in memory.</summary>
    /// <param name="path">The name to use in errors.</param>
    /// <param name="bytes">The file's bytes.</param>
    /// <returns>The image.</returns>
    public static ElfImage Parse(string path, byte[] bytes) => new(path, bytes);

    /// <summary>Returns a copy of the image in which the given version needs are marked weak.</summary>
    /// <param name="needs">Entries of <see cref="VersionNeeds"/>.</param>
    /// <returns>The patched bytes.</returns>
    public byte[] WithWeakVersionNeeds(IEnumerable<ElfVersionNeed> needs)
    {
        var copy = Bytes.ToArray();
        foreach (var need in needs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(checked((int)need.FlagsOffset), 2), (ushort)(need.Flags | VersionFlagWeak));
        }

        return copy;
    }

    /// <summary>Finds the PLT slot (the GOT entry a <c>JUMP_SLOT</c> relocation fills) through which the image calls
    /// <paramref name="symbol"/>.</summary>
    /// <param name="symbol">The dynamic symbol name.</param>
    /// <param name="slot">The slot's address relative to the image's load base.</param>
    /// <returns><see langword="true"/> when the image calls the symbol through a PLT slot.</returns>
    public bool TryFindPltSlot(string symbol, out ulong slot)
    {
        slot = 0;
        if (!_dynamic.TryGetValue(DtJmpRel, out var jmp) || !_dynamic.TryGetValue(DtPltRelSz, out var size)
            || !_dynamic.TryGetValue(DtSymTab, out var symtabAddr)
            || _dynamic.GetValueOrDefault(DtPltRel, (ulong)DtRela) != (ulong)DtRela)
        {
            return false;
        }

        var start = FileOffset(jmp);
        var symtab = FileOffset(symtabAddr);
        for (ulong at = 0; at + 24 <= size; at += 24)
        {
            var offset = U64(start + (long)at);
            var index = (long)(U64(start + (long)at + 8) >> 32);
            if (index != 0 && DynamicString(U32(symtab + (24 * index))) == symbol)
            {
                slot = offset;
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether an address (relative to the load base) lies in a region the loader makes read-only
    /// after relocation (<c>PT_GNU_RELRO</c>).</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when it is protected.</returns>
    public bool IsInRelro(ulong address) => _relro.Any(r => address >= r.VAddr && address < r.VAddr + r.Size);

    /// <summary>Gets the end (relative to the load base) of the highest loadable segment.</summary>
    public ulong MappedEnd => _loads.Count == 0 ? 0 : _loads.Max(l => l.VAddr + l.FileSize);

    /// <summary>Names the dynamic symbols of the given version index that a relocation binds.</summary>
    /// <param name="versionIndex">The version index (<c>vna_other</c> of a version-need entry).</param>
    /// <returns>The symbol names, distinct, in first-seen order.</returns>
    public IReadOnlyList<string> RelocatedSymbolsOfVersion(ushort versionIndex)
    {
        if (!_dynamic.TryGetValue(DtVerSym, out var versymAddr) || !_dynamic.TryGetValue(DtSymTab, out var symtabAddr))
        {
            return [];
        }

        var versym = FileOffset(versymAddr);
        var symtab = FileOffset(symtabAddr);
        var names = new List<string>();
        foreach (var symbolIndex in RelocatedSymbolIndices())
        {
            var version = (ushort)(U16(versym + (2 * symbolIndex)) & 0x7fff);
            if (version != versionIndex)
            {
                continue;
            }

            var name = DynamicString(U32(symtab + (24 * symbolIndex)));
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private IEnumerable<long> RelocatedSymbolIndices()
    {
        var tables = new List<(ulong Addr, ulong Size, ulong Entry, bool Rela)>();
        if (_dynamic.TryGetValue(DtRela, out var rela) && _dynamic.TryGetValue(DtRelaSz, out var relaSize))
        {
            tables.Add((rela, relaSize, _dynamic.GetValueOrDefault(DtRelaEnt, 24UL), true));
        }

        if (_dynamic.TryGetValue(DtRel, out var rel) && _dynamic.TryGetValue(DtRelSz, out var relSize))
        {
            tables.Add((rel, relSize, _dynamic.GetValueOrDefault(DtRelEnt, 16UL), false));
        }

        if (_dynamic.TryGetValue(DtJmpRel, out var jmp) && _dynamic.TryGetValue(DtPltRelSz, out var jmpSize))
        {
            var isRela = _dynamic.GetValueOrDefault(DtPltRel, (ulong)DtRela) == (ulong)DtRela;
            tables.Add((jmp, jmpSize, isRela ? 24UL : 16UL, isRela));
        }

        foreach (var (addr, size, entry, _) in tables)
        {
            if (entry == 0)
            {
                continue;
            }

            var start = FileOffset(addr);
            for (ulong at = 0; at + entry <= size; at += entry)
            {
                var info = U64(start + (long)at + 8);
                var symbol = (long)(info >> 32);
                if (symbol != 0)
                {
                    yield return symbol;
                }
            }
        }
    }

    private void Parse()
    {
        var b = new ReadOnlySpan<byte>(_data, (int)Math.Min(_length, 64));
        var needed = new List<long>();
        if (_length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
        {
            throw new TorchRuntimeException($"'{Path}' is not an ELF file.");
        }

        if (b[4] != 2 || b[5] != 1)
        {
            throw new TorchRuntimeException($"'{Path}' is not a 64-bit little-endian ELF file.");
        }

        var phoff = (long)U64(0x20);
        var phentsize = U16(0x36);
        var phnum = U16(0x38);
        ulong dynamicOffset = 0;
        ulong dynamicSize = 0;
        for (var i = 0; i < phnum; i++)
        {
            var at = phoff + (i * phentsize);
            var type = U32(at);
            var offset = U64(at + 8);
            var vaddr = U64(at + 16);
            var fileSize = U64(at + 32);
            if (type == PtLoad)
            {
                _loads.Add((vaddr, offset, fileSize));
            }
            else if (type == PtGnuRelro)
            {
                _relro.Add((vaddr, U64(at + 40)));
            }
            else if (type == PtDynamic)
            {
                dynamicOffset = offset;
                dynamicSize = fileSize;
            }
        }

        if (dynamicSize == 0)
        {
            throw new TorchRuntimeException($"'{Path}' has no dynamic segment.");
        }

        for (ulong at = 0; at + 16 <= dynamicSize; at += 16)
        {
            var tag = (long)U64((long)(dynamicOffset + at));
            var value = U64((long)(dynamicOffset + at + 8));
            if (tag == DtNull)
            {
                break;
            }

            if (tag == DtNeeded)
            {
                needed.Add((long)value);
            }

            _dynamic.TryAdd(tag, value);
        }

        if (_dynamic.TryGetValue(DtSoName, out var soname))
        {
            SoName = DynamicString((uint)soname);
        }

        Needed = needed.Select(n => DynamicString((uint)n)).ToArray();
        VersionNeeds = ReadVersionNeeds();
        VersionDefinitions = ReadVersionDefinitions();
    }

    private List<ElfVersionNeed> ReadVersionNeeds()
    {
        var needs = new List<ElfVersionNeed>();
        if (!_dynamic.TryGetValue(DtVerNeed, out var addr))
        {
            return needs;
        }

        var count = (int)_dynamic.GetValueOrDefault(DtVerNeedNum, 0UL);
        var entry = FileOffset(addr);
        for (var i = 0; i < count; i++)
        {
            var auxCount = U16(entry + 2);
            var file = DynamicString(U32(entry + 4));
            var aux = entry + U32(entry + 8);
            for (var j = 0; j < auxCount; j++)
            {
                needs.Add(new ElfVersionNeed(
                    File: file,
                    Version: DynamicString(U32(aux + 8)),
                    Flags: U16(aux + 4),
                    Index: (ushort)(U16(aux + 6) & 0x7fff),
                    FlagsOffset: aux + 4));
                aux += U32(aux + 12);
            }

            var next = U32(entry + 12);
            if (next == 0)
            {
                break;
            }

            entry += next;
        }

        return needs;
    }

    private HashSet<string> ReadVersionDefinitions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!_dynamic.TryGetValue(DtVerDef, out var addr))
        {
            return names;
        }

        var count = (int)_dynamic.GetValueOrDefault(DtVerDefNum, 0UL);
        var entry = FileOffset(addr);
        for (var i = 0; i < count; i++)
        {
            var auxCount = U16(entry + 6);
            if (auxCount > 0)
            {
                var aux = entry + U32(entry + 12);
                names.Add(DynamicString(U32(aux)));
            }

            var next = U32(entry + 16);
            if (next == 0)
            {
                break;
            }

            entry += next;
        }

        return names;
    }

    private string DynamicString(uint offset)
    {
        if (!_dynamic.TryGetValue(DtStrTab, out var strtab))
        {
            throw new TorchRuntimeException($"'{Path}' has no dynamic string table.");
        }

        var start = FileOffset(strtab) + offset;
        var limit = _dynamic.TryGetValue(DtStrSz, out var size) ? FileOffset(strtab) + (long)size : _length;
        var end = start;
        while (end < limit && _data[end] != 0)
        {
            end++;
        }

        return Encoding.UTF8.GetString(_data + start, checked((int)(end - start)));
    }

    private long FileOffset(ulong vaddr)
    {
        foreach (var (loadAddr, offset, size) in _loads)
        {
            if (vaddr >= loadAddr && vaddr < loadAddr + size)
            {
                return (long)(offset + (vaddr - loadAddr));
            }
        }

        throw new TorchRuntimeException($"'{Path}': address 0x{vaddr:x} lies in no loadable segment.");
    }

    private ReadOnlySpan<byte> At(long at, int count)
    {
        if (at < 0 || at + count > _length)
        {
            throw new TorchRuntimeException($"'{Path}' is truncated: a read at offset {at} runs past its {_length} bytes.");
        }

        return new ReadOnlySpan<byte>(_data + at, count);
    }

    private ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(At(at, 2));

    private uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(At(at, 4));

    private ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(At(at, 8));
}
