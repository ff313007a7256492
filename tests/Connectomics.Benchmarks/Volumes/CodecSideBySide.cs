using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Benchmarks.Volumes;

/// <summary>
/// <c>codec-side-by-side DIR [--seconds S]</c>: decodes the chunk files that tools/bench/compare_codecs_with_numcodecs.py
/// wrote under <c>DIR/&lt;codec&gt;/</c> (listed in <c>DIR/manifest.json</c>) with our codecs, checks each against the
/// raw chunk, and prints one JSON object: decoded MiB/s per codec (best of several rounds of at least S/3 seconds).
/// </summary>
internal static class CodecSideBySide
{
    /// <summary>Creates the codec a benchmark name stands for (decoding ignores the settings of Blosc).</summary>
    public static IBytesCodec Create(string name) => name switch
    {
        "blosc-lz4-shuffle" => new BloscCodec(BloscCompressor.Lz4, 5, BloscShuffle.Byte),
        "blosc-lz4-noshuffle" => new BloscCodec(BloscCompressor.Lz4, 5, BloscShuffle.None),
        "blosc-zstd-bitshuffle" => new BloscCodec(BloscCompressor.Zstd, 5, BloscShuffle.Bit),
        "blosc-zlib-shuffle" => new BloscCodec(BloscCompressor.Zlib, 5, BloscShuffle.Byte),
        "blosc-lz4hc-shuffle" => new BloscCodec(BloscCompressor.Lz4Hc, 5, BloscShuffle.Byte),
        "blosc-blosclz-shuffle" => new BloscCodec(BloscCompressor.BloscLz, 5, BloscShuffle.Byte),
        "blosc-snappy-shuffle" => new BloscCodec(BloscCompressor.Snappy, 5, BloscShuffle.Byte),
        "zstd" => new ZstdCodec(1),
        "gzip" => new GzipCodec(5),
        "zlib" => new ZlibCodec(5),
        "lz4" => new Lz4Codec(),
        _ => throw new ArgumentException($"unknown codec {name}", nameof(name)),
    };

    public static int Run(string[] args)
    {
        var directory = args[0];
        var seconds = args.Length > 2 && args[1] == "--seconds" ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3.0;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var chunkBytes = manifest.RootElement.GetProperty("chunk_bytes").GetInt32();
        var chunks = manifest.RootElement.GetProperty("chunks").GetInt32();
        var raw = Enumerable.Range(0, chunks).Select(i => File.ReadAllBytes(Path.Combine(directory, "raw", $"{i}.bin"))).ToArray();
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in manifest.RootElement.GetProperty("codecs").EnumerateArray())
        {
            var name = entry.GetString()!;
            var codec = Create(name);
            var encoded = Enumerable.Range(0, chunks).Select(i => File.ReadAllBytes(Path.Combine(directory, name, $"{i}.bin"))).ToArray();
            for (var i = 0; i < chunks; i++)
            {
                if (!codec.Decode(encoded[i], chunkBytes).AsSpan().SequenceEqual(raw[i]))
                {
                    Console.Error.WriteLine($"{name}: chunk {i} decodes to other bytes than numcodecs");
                    return 1;
                }
            }

            var best = 0.0;
            for (var round = 0; round < 3; round++)
            {
                long bytes = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds / 3)
                {
                    foreach (var chunk in encoded)
                    {
                        bytes += codec.Decode(chunk, chunkBytes).Length;
                    }
                }

                best = Math.Max(best, bytes / (1024.0 * 1024.0) / clock.Elapsed.TotalSeconds);
            }

            results[name] = Math.Round(best, 1);
        }

        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }
}
