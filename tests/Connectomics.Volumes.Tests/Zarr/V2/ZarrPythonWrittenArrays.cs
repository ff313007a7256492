using System.Text.Json;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>The arrays zarr-python writes once for a test class (see <c>zarr_v2_interop.py write</c>).</summary>
public sealed class ZarrPythonWrittenArrays : IDisposable
{
    private readonly TempDirectory _directory = new("zarr-v2-python");

    public ZarrPythonWrittenArrays()
    {
        using var manifest = ZarrPython.Write(_directory.Path);
        Manifest = manifest.RootElement.Clone();
    }

    public string Directory => _directory.Path;

    public JsonElement Manifest { get; }

    public IEnumerable<JsonElement> Cases => Manifest.GetProperty("cases").EnumerateArray();

    public JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    public void Dispose() => _directory.Dispose();
}
