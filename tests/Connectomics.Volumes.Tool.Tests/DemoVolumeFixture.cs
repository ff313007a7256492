namespace Connectomics.Volumes.Tool.Tests;

/// <summary>A small demo volume made once by the tool (no command, <c>--demo-size 96</c>), shared by the tests that read it.</summary>
public sealed class DemoVolumeFixture : IDisposable
{
    public const int Size = 96;

    public DemoVolumeFixture()
    {
        Run = VolumesTool.Run(Directory, "--demo-size", "96", "--demo-dir", "demo");
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("connectomics-volumes-demo-").FullName;

    /// <summary>Gets the tool's run.</summary>
    public ToolRun Run { get; }

    /// <summary>Gets the OME-Zarr image the demo wrote.</summary>
    public string Image => Path.Combine(Directory, "demo", "volumes", "em-demo.ome.zarr");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
