namespace Connectomics.FineTune.Jobs;

/// <summary>What the demo does: where, on which device, and whether it starts over.</summary>
/// <param name="Directory">The demo directory.</param>
/// <param name="Restart">Whether to delete the directory first.</param>
/// <param name="Device">The device.</param>
internal sealed record DemoRequest(string Directory, bool Restart, string Device);
