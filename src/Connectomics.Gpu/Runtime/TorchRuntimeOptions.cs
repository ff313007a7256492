using System.ComponentModel.DataAnnotations;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// The process-level settings of the TorchSharp backend: what it may change in the process it runs in. Applied once
/// per process by <see cref="TorchRuntime.Configure(TorchRuntimeOptions, Microsoft.Extensions.Logging.ILogger?)"/>,
/// or, when the application configures nothing, with these defaults on the library's first use.
/// </summary>
/// <remarks>
/// The defaults change nothing that the process shares: no allocator parameter, no environment variable, no libtorch
/// thread count, no pointer in libtorch. The one thing they do is load TorchSharp's native library, through a copy
/// whose unused symbol-version needs are marked weak where the host's C++ runtime is too old for the shipped file
/// (Debian 12); that copy is written to <see cref="NativeCacheDirectory"/>, and <see cref="AllowWeakenedNativeCopy"/>
/// refuses it. <see cref="ForCpuThroughput"/> returns the settings measured to make CPU inference fast.
/// </remarks>
public sealed class TorchRuntimeOptions
{
    /// <summary>Gets or sets a value indicating whether glibc's allocator keeps large freed blocks for reuse:
    /// <c>mallopt(M_MMAP_MAX, 0)</c> (large blocks come from the heap instead of fresh mappings),
    /// <c>M_TRIM_THRESHOLD</c> 2 GiB (freed heap is not returned to the kernel) and <c>M_TOP_PAD</c> 64 MiB (worker
    /// threads' emptied heaps stay mapped). Without it every large transient tensor is mapped and unmapped and costs a
    /// page fault per touched page. Measured on a 2-core AMD EPYC: tiny model, batch 32, two workers, 320,000-417,000
    /// page faults and 529-611 seq/s with glibc's 128 KiB top pad, 81,000-84,000 and 983-1,134 seq/s with the tuning;
    /// tiny at batch 32 on one thread went from 173 to 302 seq/s. The price: the process keeps its peak native memory.
    /// Process-wide; does nothing on other C libraries.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool TuneNativeHeap { get; set; }

    /// <summary>Gets or sets a value indicating whether libtorch's CPU allocator asks for transparent huge pages for
    /// large tensors, by setting <c>THP_MEM_ALLOC_ENABLE=1</c> in the C environment (left alone when the environment
    /// already sets it). glibc serves blocks above 64 MiB requested from worker threads with fresh mappings whatever
    /// the heap tuning; huge pages cut their page faults 512-fold. Measured on a 2-core AMD EPYC (v2-50m, 1 kb reads,
    /// 8,192-token budget, 60 MiB activation limit): 11.7 → 14.8 reads/s, kernel time 8.8 → 1.8 s. Process-wide; it
    /// only takes effect before libtorch's first CPU allocation.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseTransparentHugePages { get; set; }

    /// <summary>Gets or sets how libtorch's MKL chooses its kernels on non-Intel x86-64 processors (see
    /// <see cref="MklDispatchMode.CpuFeatures"/>: about 2× faster on AMD processors, opt-in because MKL's
    /// multi-threaded calls under it have given non-reproducible results). No effect on Intel processors.</summary>
    /// <value>The default value is <see cref="MklDispatchMode.AsShipped"/>.</value>
    public MklDispatchMode MklDispatch { get; set; } = MklDispatchMode.AsShipped;

    /// <summary>Gets or sets libtorch's intra-op thread count for the process (<c>torch.set_num_threads</c>): the
    /// count the configuring thread and every thread that has not chosen its own use. <see langword="null"/> leaves
    /// libtorch's default (its count of physical cores, or <c>OMP_NUM_THREADS</c>). The embedder's CPU workers set
    /// their own threads' counts (<c>NucleotideTransformerEmbedderOptions.CpuThreads</c>) and need nothing here.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? IntraOpThreads { get; set; }

    /// <summary>Gets or sets the folder under which the weakened copy of TorchSharp's native library is written
    /// (in a subfolder named after the shipped file's hash). <see langword="null"/> uses
    /// <c>CONNECTOMICS_NATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/connectomics/native</c>, else
    /// <c>~/.cache/connectomics/native</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? NativeCacheDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether TorchSharp's native library may be loaded through a copy with
    /// its unused symbol-version needs marked weak, where the host's C++ runtime lacks versions the shipped file only
    /// names as markers (TorchSharp 0.107 on Debian 12). Without that copy TorchSharp does not load on such hosts;
    /// when this is <see langword="false"/> they get a <see cref="TorchRuntimeException"/> instead. Hosts that provide
    /// every version load the shipped file and never need the copy.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowWeakenedNativeCopy { get; set; } = true;

    /// <summary>
    /// Returns the settings measured to make CPU inference fast: <see cref="TuneNativeHeap"/> and
    /// <see cref="UseTransparentHugePages"/> (see each for the figures). <see cref="MklDispatch"/> stays
    /// <see cref="MklDispatchMode.AsShipped"/>: on AMD processors set it to <see cref="MklDispatchMode.CpuFeatures"/>
    /// for about 2× more (2-core AMD EPYC, tiny at batch 32: 302 → 650-970 seq/s; v2-50m at batch 8: 6.8 →
    /// 14.9-16.5 seq/s), knowing that MKL's multi-threaded calls under it have given non-reproducible results.
    /// </summary>
    /// <returns>New options; change them further before applying.</returns>
    public static TorchRuntimeOptions ForCpuThroughput() => new() { TuneNativeHeap = true, UseTransparentHugePages = true };

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public TorchRuntimeOptions Clone() => (TorchRuntimeOptions)MemberwiseClone();

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage ?? string.Join(",", r.MemberNames)).ToList();
        if (!Enum.IsDefined(MklDispatch))
        {
            errors.Add($"{nameof(MklDispatch)} '{MklDispatch}' is not defined.");
        }

        if (NativeCacheDirectory is not null && string.IsNullOrWhiteSpace(NativeCacheDirectory))
        {
            errors.Add($"{nameof(NativeCacheDirectory)} is blank; leave it null for the default folder.");
        }

        if (errors.Count > 0)
        {
            throw new ValidationException($"{nameof(TorchRuntimeOptions)} is invalid: {string.Join(" ", errors)}");
        }
    }

    /// <summary>Lists the settings in which <paramref name="other"/> differs from these.</summary>
    /// <param name="other">The options to compare with.</param>
    /// <returns>One entry per differing setting: its name, this value and the other one.</returns>
    internal List<string> DifferencesFrom(TorchRuntimeOptions other)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs))
            {
                differences.Add($"{name}: {Text(mine)} in force, {Text(theirs)} requested");
            }
        }

        Compare(nameof(TuneNativeHeap), TuneNativeHeap, other.TuneNativeHeap);
        Compare(nameof(UseTransparentHugePages), UseTransparentHugePages, other.UseTransparentHugePages);
        Compare(nameof(MklDispatch), MklDispatch, other.MklDispatch);
        Compare(nameof(IntraOpThreads), IntraOpThreads, other.IntraOpThreads);
        Compare(nameof(NativeCacheDirectory), NativeCacheDirectory, other.NativeCacheDirectory);
        Compare(nameof(AllowWeakenedNativeCopy), AllowWeakenedNativeCopy, other.AllowWeakenedNativeCopy);
        return differences;
    }

    private static string Text<T>(T value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => $"'{s}'",
        _ => value.ToString() ?? string.Empty,
    };
}
