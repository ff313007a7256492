using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>Zstd, gzip, zlib and LZ4 against numcodecs in both directions, and zstd frames without a content size.</summary>
public sealed class SimpleCodecInteropTests
{
    private static readonly string[] Kinds = ["random", "smooth", "zeros"];
    private static readonly int[] Lengths = [0, 1, 1000, 65_537, 262_144];

    private static IEnumerable<(string Name, object Config, IBytesCodec Ours)> Codecs()
    {
        yield return ("zstd1", new { id = "zstd", level = 1 }, new ZstdCodec(1));
        yield return ("zstd9", new { id = "zstd", level = 9 }, new ZstdCodec(9));
        yield return ("gzip1", new { id = "gzip", level = 1 }, new GzipCodec(1));
        yield return ("gzip9", new { id = "gzip", level = 9 }, new GzipCodec(9));
        yield return ("zlib5", new { id = "zlib", level = 5 }, new ZlibCodec(5));
        yield return ("zlib0", new { id = "zlib", level = 0 }, new ZlibCodec(0));
        yield return ("lz4a1", new { id = "lz4", acceleration = 1 }, new Lz4Codec(1));
        yield return ("lz4a8", new { id = "lz4", acceleration = 8 }, new Lz4Codec(8));
    }

    [Fact]
    public async Task We_decode_what_numcodecs_encodes_and_numcodecs_decodes_what_we_encode()
    {
        using var reference = new NumcodecsReference();
        var cases = new List<(string Id, byte[] Raw, IBytesCodec Ours)>();
        var seed = 0;
        foreach (var (name, config, ours) in Codecs())
        {
            foreach (var kind in Kinds)
            {
                foreach (var length in Lengths)
                {
                    var raw = CodecTestData.Kind(kind, length, 2, seed++);
                    var id = $"{name}-{kind}-{length}";
                    cases.Add((id, raw, ours));
                    reference.Encode(id, raw, config);
                    if (!(length == 0 && ours is ZstdCodec or Lz4Codec))
                    {
                        // numcodecs 0.11 takes a decoded size of 0 for an error in zstd and lz4, even in its own empty output.
                        reference.Decode(id + "-ours", ours.Encode(raw, 2), config);
                    }

                }
            }
        }

        await reference.RunAsync();

        foreach (var (id, raw, ours) in cases)
        {
            var theirs = reference.Encoded(id);
            Assert.True(raw.AsSpan().SequenceEqual(ours.Decode(theirs, raw.Length)), $"{id}: decoding numcodecs' bytes with the length given");
            Assert.True(raw.AsSpan().SequenceEqual(ours.Decode(theirs, -1)), $"{id}: decoding numcodecs' bytes without the length");
            if (!(raw.Length == 0 && ours is ZstdCodec or Lz4Codec))
            {
                Assert.True(raw.AsSpan().SequenceEqual(reference.Decoded(id + "-ours")), $"{id}: numcodecs decoding our bytes");
            }
        }
    }

    [Fact]
    public async Task Zstd_frames_without_a_content_size_decode_with_and_without_the_length()
    {
        using var reference = new NumcodecsReference();
        var inputs = new Dictionary<string, byte[]>
        {
            ["small"] = CodecTestData.Smooth(1000, 2, 1),
            ["multi-block"] = CodecTestData.Smooth(600_000, 4, 2),
            ["random"] = CodecTestData.Random(300_001, 3),
            ["empty"] = [],
        };
        foreach (var (id, raw) in inputs)
        {
            reference.ZstdWithoutContentSize(id, raw, level: 3);
        }

        await reference.RunAsync();

        var codec = new ZstdCodec();
        foreach (var (id, raw) in inputs)
        {
            var frame = reference.Encoded(id);
            Assert.Equal(0, frame[4] & 0xE0); // Frame_Content_Size_flag 0 and no Single_Segment: no content size
            Assert.True(raw.AsSpan().SequenceEqual(codec.Decode(frame, raw.Length)), $"{id} with the length");
            Assert.True(raw.AsSpan().SequenceEqual(codec.Decode(frame, -1)), $"{id} streamed");
            if (raw.Length > 0)
            {
                Assert.Throws<InvalidDataException>(() => codec.Decode(frame, raw.Length - 1));
                Assert.Throws<InvalidDataException>(() => codec.Decode(frame, raw.Length + 1));
            }
        }
    }

    [Fact]
    public void Names_and_descriptions_state_the_settings()
    {
        Assert.Equal(("zstd", "zstd(level 7)"), (new ZstdCodec(7).Name, new ZstdCodec(7).Description));
        Assert.Equal(("gzip", "gzip(level 5)"), (new GzipCodec().Name, new GzipCodec().Description));
        Assert.Equal(("zlib", "zlib(level 1)"), (new ZlibCodec(1).Name, new ZlibCodec(1).Description));
        Assert.Equal(("lz4", "lz4(acceleration 1)"), (new Lz4Codec().Name, new Lz4Codec().Description));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GzipCodec(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZlibCodec(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZstdCodec(23));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lz4Codec(0));
    }
}
