using System.Text;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// The TorchSharp runtime configuration in force in this process (<see cref="TorchRuntime.Current"/>): every setting
/// with its value, where it came from and whether it changed state the process shares, and how the native library
/// was loaded.
/// </summary>
public sealed class TorchRuntimeState
{
    private readonly TorchRuntimeOptions _options;

    internal TorchRuntimeState(
        TorchRuntimeOptions options,
        TorchRuntimeApplication application,
        TorchNativeRuntimeStatus nativeLibrary,
        IReadOnlyList<TorchRuntimeSetting> settings,
        int intraOpThreads,
        bool mklDispatchesOnCpuFeatures,
        ThreadIntraOpThreads threadCounts)
    {
        _options = options;
        Application = application;
        NativeLibrary = nativeLibrary;
        Settings = settings;
        IntraOpThreads = intraOpThreads;
        MklDispatchesOnCpuFeatures = mklDispatchesOnCpuFeatures;
        ThreadCounts = threadCounts;
    }

    /// <summary>Gets how the configuration came to be applied.</summary>
    public TorchRuntimeApplication Application { get; }

    /// <summary>Gets a copy of the options that were applied.</summary>
    public TorchRuntimeOptions Options => _options.Clone();

    /// <summary>Gets how TorchSharp's native library was loaded: as shipped, or through the weakened copy (and
    /// where it is).</summary>
    public TorchNativeRuntimeStatus NativeLibrary { get; }

    /// <summary>Gets every setting of <see cref="TorchRuntimeOptions"/> as it is in force, in a fixed order.</summary>
    public IReadOnlyList<TorchRuntimeSetting> Settings { get; }

    /// <summary>Gets libtorch's intra-op thread count for threads that do not choose their own, as it was when the
    /// configuration was applied (what <see cref="TorchRuntimeOptions.IntraOpThreads"/> set, or libtorch's
    /// default). Embedders plan their CPU workers from it.</summary>
    public int IntraOpThreads { get; }

    /// <summary>Gets a value indicating whether MKL's vendor check is redirected in this process, so that MKL
    /// dispatches on CPU features (<see cref="MklDispatchMode.CpuFeatures"/> on a non-Intel processor).</summary>
    public bool MklDispatchesOnCpuFeatures { get; }

    /// <summary>Gets a value indicating whether applying the configuration changed any state that the whole process
    /// shares.</summary>
    public bool ChangedProcessState => Settings.Any(s => s.ChangedProcessState);

    /// <summary>Gets how a thread sets its own libtorch thread count.</summary>
    internal ThreadIntraOpThreads ThreadCounts { get; }

    /// <summary>Gets the options as applied, without a copy.</summary>
    internal TorchRuntimeOptions AppliedOptions => _options;

    /// <summary>Returns the setting named <paramref name="name"/>.</summary>
    /// <param name="name">A <see cref="TorchRuntimeOptions"/> property name.</param>
    /// <returns>The setting.</returns>
    /// <exception cref="KeyNotFoundException">No setting has that name.</exception>
    public TorchRuntimeSetting this[string name] =>
        Settings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"No TorchSharp runtime setting is named '{name}'.");

    /// <summary>Describes the state, one setting per line.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("TorchSharp runtime (applied by ").Append(Application).Append("; ")
            .Append(ChangedProcessState ? "changed the process" : "changed nothing process-wide").AppendLine(")");
        foreach (var setting in Settings)
        {
            text.Append("  ").AppendLine(setting.ToString());
        }

        return text.ToString().TrimEnd();
    }
}
