using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>
/// A batch of encode and decode requests for <c>tools/fixtures/numcodecs_codecs.py</c>, run once under Debian's Python
/// with numcodecs (C-Blosc 1.21, zstd, zlib, lz4): the independent truth of the codec tests. Buffers travel as files
/// in a temporary directory.
/// </summary>
internal sealed class NumcodecsReference : IDisposable
{
    private readonly TempDirectory _work = new("connectomics-numcodecs");
    private readonly JsonArray _cases = [];
    private bool _ran;

    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "numcodecs_codecs.py");

    /// <summary>Asks numcodecs to encode <paramref name="raw"/> with <paramref name="codec"/>.</summary>
    public void Encode(string id, byte[] raw, object codec) => Add(id, "encode", codec, raw, "raw");

    /// <summary>Asks numcodecs to decode <paramref name="encoded"/> (our output) with <paramref name="codec"/>.</summary>
    public void Decode(string id, byte[] encoded, object codec) => Add(id, "decode", codec, encoded, "enc");

    /// <summary>Asks the <c>zstd</c> command-line tool for a frame without a content size.</summary>
    public void ZstdWithoutContentSize(string id, byte[] raw, int level) => Add(id, "zstd-cli", new { id = "zstd", level }, raw, "raw");

    /// <summary>Runs the script over every request added.</summary>
    public async Task RunAsync()
    {
        await File.WriteAllTextAsync(_work.File("manifest.json"), new JsonObject { ["cases"] = _cases }.ToJsonString());
        var (exitCode, stdout, stderr) = await DebianPython.RunAsync(
            "the codec tests need Debian's Python with numcodecs: apt-get install python3-numcodecs python3-zarr zstd",
            [Script, _work.Path]);
        Assert.True(exitCode == 0, $"{Script} exited with {exitCode}:\n{stderr}\n{stdout}");
        _ran = true;
    }

    /// <summary>Gets what numcodecs encoded for request <paramref name="id"/>.</summary>
    public byte[] Encoded(string id) => Result(id, "enc");

    /// <summary>Gets what numcodecs decoded for request <paramref name="id"/>.</summary>
    public byte[] Decoded(string id) => Result(id, "dec");

    /// <summary>Gets the numcodecs and C-Blosc versions the script reported.</summary>
    public string Versions() => File.ReadAllText(_work.File("versions.json"));

    public void Dispose() => _work.Dispose();

    private byte[] Result(string id, string extension)
    {
        Assert.True(_ran, "RunAsync was not called");
        return File.ReadAllBytes(_work.File($"{id}.{extension}"));
    }

    private void Add(string id, string op, object codec, byte[] payload, string extension)
    {
        File.WriteAllBytes(_work.File($"{id}.{extension}"), payload);
        _cases.Add(new JsonObject { ["id"] = id, ["op"] = op, ["codec"] = JsonSerializer.SerializeToNode(codec) });
    }
}
