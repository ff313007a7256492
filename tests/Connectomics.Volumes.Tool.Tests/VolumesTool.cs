using System.Text.Json;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tool.Tests;

/// <summary>The tool, <c>connectomics-volumes</c>, run in its own process in a working directory, as a user runs it.</summary>
internal static class VolumesTool
{
    private static readonly SampleProgram s_program = new("Connectomics.Volumes.Tool", "connectomics-volumes.dll", typeof(VolumesTool).Assembly);

    public static ToolRun Run(string workingDirectory, params string[] arguments) => s_program.Run(workingDirectory, arguments);

    /// <summary>Reads a whole array (rank 3, little-endian, C order) through the package's reader.</summary>
    public static async Task<byte[]> ReadAllAsync(IChunkedArray array)
    {
        var volume = new Reading.VolumeArray(array);
        var shape = volume.Shape;
        var data = new byte[shape.Volume * array.Info.DataType.ByteSize() * volume.Channels];
        switch (array.Info.DataType)
        {
            case Data.VoxelType.UInt8:
                await volume.ReadIntoAsync<byte>(Geometry.Box3.FromShape(shape), data);
                break;
            default:
                var region = await volume.ReadAsync<ushort>(Geometry.Box3.FromShape(shape));
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(region.Data.Span).CopyTo(data);
                break;
        }

        return data;
    }

    /// <summary>Opens the array a volume's location holds (the only one, or level 0).</summary>
    public static async Task<IChunkedArray> OpenAsync(string location, string? array = null) =>
        (await VolumeStore.Open(location).OpenArrayAsync(array)).Array;

    /// <summary>Has zarr-python (Debian's) read a Zarr v2 array; returns its bytes, little-endian, C order.</summary>
    public static async Task<byte[]> ZarrPythonReadAsync(string arrayDirectory, string outputFile)
    {
        const string Script = "import sys, zarr\na = zarr.open_array(sys.argv[1], mode='r')\nd = a[...]\nd.astype(d.dtype.newbyteorder('<')).tofile(sys.argv[2])\nprint(a.dtype.str, list(a.shape), list(a.chunks))";
        var (code, stdout, stderr) = await DebianPython.RunAsync("the tool tests need Debian's Python with zarr-python: apt-get install python3-zarr python3-numpy", ["-c", Script, arrayDirectory, outputFile]);
        Assert.True(code == 0, $"zarr-python failed on {arrayDirectory}:\n{stderr}\n{stdout}");
        return await File.ReadAllBytesAsync(outputFile);
    }

    /// <summary>Reads the demo's record of how it was made from the image group's attributes.</summary>
    public static JsonElement DemoAttributes(string image)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(image, "zarr.json")));
        return document.RootElement.GetProperty("attributes").Clone();
    }
}
