using System.Text.Json;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>
/// The committed fixtures (tests/fixtures/volumes/codecs, written by numcodecs 0.11 / C-Blosc 1.21.3, the zstd tool
/// and the crc32c package through tools/fixtures/generate_codec_fixtures.py) decode to their raw buffers.
/// </summary>
public sealed class CodecFixtureTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "volumes", "codecs");

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Manifest().RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_fixture_decodes_to_its_raw_buffer(string name)
    {
        using var manifest = Manifest();
        var entry = manifest.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var codec = entry.GetProperty("codec");
        var raw = File.ReadAllBytes(Path.Combine(Folder, $"{name}.raw"));
        var encoded = File.ReadAllBytes(Path.Combine(Folder, $"{name}.enc"));
        Assert.Equal(entry.GetProperty("length").GetInt32(), raw.Length);

        IBytesCodec ours = codec.GetProperty("id").GetString() switch
        {
            "blosc" => new BloscCodec(),
            "zstd" or "zstd-cli" => new ZstdCodec(),
            "gzip" => new GzipCodec(),
            "zlib" => new ZlibCodec(),
            "lz4" => new Lz4Codec(),
            "crc32c" => new Crc32cCodec(),
            var other => throw new InvalidOperationException($"unknown codec {other} in the manifest"),
        };

        Assert.Equal(raw, ours.Decode(encoded, raw.Length));
        Assert.Equal(raw, ours.Decode(encoded, -1));
    }

    [Fact]
    public void The_fixtures_cover_the_frame_layouts()
    {
        byte Flags(string name) => File.ReadAllBytes(Path.Combine(Folder, $"{name}.enc"))[2];

        Assert.Equal(0x02, Flags("blosc-lz4-memcpyed-small") & 0x02);
        Assert.Equal(0x04, Flags("blosc-zstd-bitshuffle-t4-leftover-not-eight") & 0x04);
        Assert.Equal(0x00, Flags("blosc-lz4-noise-raw-streams") & 0x12); // split streams, compressed frame
        Assert.Equal(2 << 5, Flags("blosc-snappy-shuffle-t4") & 0xE0);
        Assert.Equal(0, Flags("blosc-blosclz-noshuffle-t1-far") >> 5);
        var zstdFrame = File.ReadAllBytes(Path.Combine(Folder, "zstd-no-content-size.enc"));
        Assert.Equal(0, zstdFrame[4] & 0xC0);
    }

    private static JsonDocument Manifest() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
}
