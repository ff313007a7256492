using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>
/// Blosc against numcodecs (C-Blosc 1.21): every compressor × shuffle × type size, sizes that are not multiples of the
/// type or block size, forced block sizes; we decode what it writes and it decodes what we write.
/// </summary>
public sealed class BloscInteropTests
{
    private static readonly string[] CNames = ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"];
    private static readonly int[] TypeSizes = [1, 2, 4, 8];
    private static readonly string[] Kinds = ["smooth", "random", "zeros"];

    [Fact]
    public async Task We_decode_every_frame_numcodecs_writes()
    {
        using var reference = new NumcodecsReference();
        var cases = new List<(string Id, byte[] Raw)>();
        var index = 0;
        foreach (var cname in CNames)
        {
            foreach (var shuffle in new[] { 0, 1, 2 })
            {
                foreach (var typeSize in TypeSizes)
                {
                    foreach (var (length, blockSize) in new[] { (65_536 + 104, 0), (40_001, 8192), (100, 0) })
                    {
                        if (length == 100 && index % 5 != 0)
                        {
                            index++;
                            continue;
                        }

                        var kind = Kinds[index % Kinds.Length];
                        var raw = CodecTestData.Kind(kind, length, typeSize, index);
                        var clevel = 1 + (index % 9);
                        var id = $"{cname}-s{shuffle}-t{typeSize}-{kind}-{length}-b{blockSize}-c{clevel}";
                        reference.Encode(id, raw, new { id = "blosc", cname, clevel, shuffle, blocksize = blockSize, typesize = typeSize });
                        cases.Add((id, raw));
                        index++;
                    }
                }
            }

            // Large enough for the parallel block decode, with a block size that leaves a partial last block.
            var large = CodecTestData.Smooth(1_000_003, 4, index);
            var largeId = $"{cname}-large";
            reference.Encode(largeId, large, new { id = "blosc", cname, clevel = 5, shuffle = 2, blocksize = 65_536, typesize = 4 });
            cases.Add((largeId, large));
            var empty = $"{cname}-empty";
            reference.Encode(empty, [], new { id = "blosc", cname, clevel = 5, shuffle = 1, blocksize = 0, typesize = 4 });
            cases.Add((empty, []));
            index++;
        }

        await reference.RunAsync();

        var codec = new BloscCodec();
        var parallelSeen = false;
        foreach (var (id, raw) in cases)
        {
            var frame = reference.Encoded(id);
            var decoded = codec.Decode(frame, raw.Length);
            Assert.True(raw.AsSpan().SequenceEqual(decoded), $"{id}: our decode of numcodecs' frame differs ({reference.Versions()})");
            Assert.True(raw.AsSpan().SequenceEqual(codec.Decode(frame, -1)), $"{id}: without the length");
            parallelSeen |= raw.Length >= BloscDecoder.ParallelThreshold && (frame[2] & 0x02) == 0;
        }

        Assert.True(parallelSeen, "no frame was large enough for the parallel decode");
    }

    [Fact]
    public async Task Numcodecs_decodes_every_frame_we_write()
    {
        using var reference = new NumcodecsReference();
        var cases = new List<(string Id, byte[] Raw, BloscCodec Codec)>();
        var index = 0;
        foreach (var compressor in new[] { BloscCompressor.Lz4, BloscCompressor.Lz4Hc, BloscCompressor.Zlib, BloscCompressor.Zstd })
        {
            foreach (var shuffle in Enum.GetValues<BloscShuffle>())
            {
                foreach (var typeSize in TypeSizes.Append(3))
                {
                    foreach (var (length, blockSize) in new[] { (65_536 + 104, 0), (40_001, 8192), (90, 0), (300_007, 0) })
                    {
                        if (length == 300_007 && index % 4 != 0)
                        {
                            index++;
                            continue;
                        }

                        var level = new[] { 0, 1, 5, 9 }[index % 4];
                        var kind = Kinds[index % Kinds.Length];
                        var raw = CodecTestData.Kind(kind, length, typeSize, index);
                        var codec = new BloscCodec(compressor, level, shuffle, blockSize);
                        var id = $"ours-{codec.Description}-t{typeSize}-{kind}-{length}".Replace(' ', '_').Replace(',', '_');
                        reference.Decode(id, codec.Encode(raw, typeSize), new { id = "blosc" });
                        cases.Add((id, raw, codec));
                        index++;
                    }
                }
            }
        }

        await reference.RunAsync();

        foreach (var (id, raw, codec) in cases)
        {
            Assert.True(raw.AsSpan().SequenceEqual(reference.Decoded(id)), $"{id}: numcodecs' decode of our frame differs");
            Assert.True(raw.AsSpan().SequenceEqual(codec.Decode(codec.Encode(raw, 1), raw.Length)), $"{id}: our own round trip (type size 1)");
        }
    }
}
