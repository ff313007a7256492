namespace Connectomics.Gpu.Runtime;

/// <summary>One setting of the TorchSharp runtime as it is in force in this process.</summary>
/// <param name="Name">The setting, named after its <see cref="TorchRuntimeOptions"/> property.</param>
/// <param name="Value">The value in force, as text.</param>
/// <param name="Source">Where the value came from.</param>
/// <param name="ChangedProcessState">Whether applying it changed state that the whole process shares (allocator
/// parameters, the C environment, libtorch's global thread count, a pointer in libtorch).</param>
/// <param name="Detail">What was done, or why nothing was.</param>
public sealed record TorchRuntimeSetting(
    string Name,
    string Value,
    TorchRuntimeSettingSource Source,
    bool ChangedProcessState,
    string Detail)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} = {Value} ({Source.ToString().ToLowerInvariant()}; {(ChangedProcessState ? "changed the process" : "process unchanged")}): {Detail}";
}
