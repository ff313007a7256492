using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>Re-registers a slot's child under its name after a swap, so state dicts and parameter lists follow.</summary>
internal static class ModuleSlotRegistration
{
    /// <summary>Replaces the registered child <paramref name="name"/> of <paramref name="owner"/>.</summary>
    /// <param name="owner">The container.</param>
    /// <param name="name">The child's name.</param>
    /// <param name="module">The new child.</param>
    public static void Replace(nn.Module owner, string name, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);

        // Registering null removes the old entry; TorchSharp refuses to register a name twice.
        owner.register_module(name, null!);
        owner.register_module(name, module);
    }

    /// <summary>Creates the exception for a slot name that the container does not have.</summary>
    /// <param name="owner">The container, for the message.</param>
    /// <param name="name">The requested slot.</param>
    /// <param name="slots">The container's slots.</param>
    /// <returns>The exception to throw.</returns>
    public static ArgumentException UnknownSlot(nn.Module owner, string name, IReadOnlyList<string> slots)
        => new($"'{owner.GetName()}' has no replaceable module '{name}'; it has {string.Join(", ", slots)}.", nameof(name));
}
