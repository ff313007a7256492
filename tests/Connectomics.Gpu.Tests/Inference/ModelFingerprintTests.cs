using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tests.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class ModelFingerprintTests
{
    private static NucleotideTransformerEmbedder FromFixture(string fixture, Action<NucleotideTransformerEmbedderOptions>? configure = null) =>
        FromDirectory(ReferenceFixture.PathOf(fixture), configure);

    private static NucleotideTransformerEmbedder FromDirectory(string directory, Action<NucleotideTransformerEmbedderOptions>? configure = null) =>
        NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(directory)
            .OnDevice("cpu")
            .Configure(o => { o.CpuWorkers = 1; configure?.Invoke(o); })
            .Build();

    private static string FingerprintOf(string fixture, Action<NucleotideTransformerEmbedderOptions>? configure = null) =>
        FingerprintOfDirectory(ReferenceFixture.PathOf(fixture), configure);

    private static string FingerprintOfDirectory(string directory, Action<NucleotideTransformerEmbedderOptions>? configure = null)
    {
        using var embedder = FromDirectory(directory, configure);
        return embedder.Descriptor.Fingerprint;
    }

    [Fact]
    public void Two_builds_of_one_checkpoint_have_one_fingerprint_and_a_sharded_copy_shares_it()
    {
        using var first = FromFixture("v2-tiny");
        using var second = FromFixture("v2-tiny");

        Assert.Matches("^[0-9a-f]{64}$", first.Descriptor.Fingerprint);
        Assert.Equal(first.Descriptor.Fingerprint, second.Descriptor.Fingerprint);
        Assert.Equal("v2-tiny", first.Descriptor.Name);
        Assert.Equal(64, first.Descriptor.Dimension);

        // The same tensors, split over two files: the fingerprint covers the weights as loaded, not the files.
        Assert.Equal(first.Descriptor.Fingerprint, FingerprintOf("v2-tiny-sharded"));
    }

    [Fact]
    public void Changing_one_weight_value_changes_the_fingerprint_and_a_tensor_the_model_does_not_load_does_not()
    {
        var original = FingerprintOf("v2-tiny");
        using var changedWeight = CopyOfFixture("v2-tiny");
        FlipLowestBit(changedWeight.Path, "esm.encoder.layer.1.attention.self.value.weight", element: 17);
        using var changedContactHead = CopyOfFixture("v2-tiny");
        FlipLowestBit(changedContactHead.Path, "esm.contact_head.regression.weight", element: 3);

        Assert.NotEqual(original, FingerprintOfDirectory(changedWeight.Path));
        Assert.Equal(original, FingerprintOfDirectory(changedContactHead.Path));
    }

    [Fact]
    public void Settings_that_change_the_vectors_change_the_fingerprint_and_others_do_not()
    {
        var original = FingerprintOf("v2-tiny");

        Assert.NotEqual(original, FingerprintOf("v2-tiny", o => o.Pooling = EmbeddingPooling.Cls));
        Assert.NotEqual(original, FingerprintOf("v2-tiny", o => o.Normalize = true));
        Assert.NotEqual(original, FingerprintOf("v2-tiny", o => o.LongSequences = LongSequencePolicy.Truncate));
        Assert.NotEqual(original, FingerprintOf("v2-tiny", o => o.MaxTokens = 512));
        Assert.NotEqual(original, FingerprintOf("v2-tiny", o => o.Tokenizer.UpperCaseFirst = true));

        // Batching and worker layout change vectors by float rounding at most; they are not part of the model.
        Assert.Equal(original, FingerprintOf("v2-tiny", o => { o.MaxBatchTokens = 333; o.MaxBatchSize = 3; }));

        // CudaPrecision applies to CUDA devices only; a CPU embedder runs float32 whatever it says.
        Assert.Equal(original, FingerprintOf("v2-tiny", o => o.CudaPrecision = ComputePrecision.BFloat16));
    }

    [Fact]
    public void The_descriptor_names_the_settings_that_shape_the_vectors()
    {
        using var embedder = FromFixture("v1-tiny", o =>
        {
            o.Pooling = EmbeddingPooling.Max;
            o.Normalize = true;
            o.LongSequences = LongSequencePolicy.Reject;
            o.MaxTokens = 100;
            o.Tokenizer.UpperCaseFirst = true;
        });

        var properties = embedder.Descriptor.Properties;
        Assert.Equal("esm", properties["model_type"]);
        Assert.Equal("nt-v1", properties["version"]);
        Assert.Equal("max", properties["pooling"]);
        Assert.Equal("true", properties["normalize"]);
        Assert.Equal("reject", properties["long_reads"]);
        Assert.Equal("100", properties["max_tokens"]);
        Assert.Equal("true", properties["upper_case_first"]);
        Assert.Equal("false", properties["strict_nucleotides"]);
        Assert.Equal("float32", properties["precision"]);
        Assert.Equal("scaled-dot-product", properties["attention"]);
    }

    [Fact]
    public void Each_weight_digest_is_the_sha256_of_the_tensor_bytes_in_the_checkpoint_file()
    {
        var file = File.ReadAllBytes(Path.Combine(ReferenceFixture.PathOf("v2-tiny"), "model.safetensors"));
        var (header, dataStart) = ReadHeader(file);
        using var model = new EsmEncoderModel(EsmConfig.FromHuggingFaceFile(ReferenceFixture.PathOf("v2-tiny")));
        StateDictLoader.Load(model, ReferenceFixture.PathOf("v2-tiny"));

        var entries = StateDictDigest.Compute(model);

        Assert.Equal(model.state_dict().Keys.Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        foreach (var entry in entries)
        {
            var tensor = header.GetProperty(entry.Name);
            Assert.Equal("F32", tensor.GetProperty("dtype").GetString());
            Assert.Equal("Float32", entry.DType);
            Assert.Equal(tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), entry.Shape);
            var offsets = tensor.GetProperty("data_offsets").EnumerateArray().Select(o => (int)o.GetInt64()).ToArray();
            var bytes = file.AsSpan(dataStart + offsets[0], offsets[1] - offsets[0]);
            Assert.Equal(bytes.Length, entry.ByteLength);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), entry.Sha256);
        }
    }

    [Fact]
    public void The_fingerprint_is_the_sha256_of_the_canonical_text()
    {
        using var embedder = FromFixture("v2-tiny", o => o.Normalize = true);
        using var model = new EsmEncoderModel(embedder.Config);
        StateDictLoader.Load(model, ReferenceFixture.PathOf("v2-tiny"));
        var settings = NucleotideTransformerDescriptor.Settings(new NucleotideTransformerEmbedderOptions { Normalize = true }, ComputePrecision.Float32, 2048);

        var canonical = NucleotideTransformerDescriptor.CanonicalForm(embedder.Config, embedder.Tokenizer.Vocabulary, StateDictDigest.Compute(model), settings);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), embedder.Descriptor.Fingerprint);
        Assert.StartsWith(NucleotideTransformerDescriptor.FormatLine + "\n[model]\nmodel_type=esm\nversion=nt-v2\nhidden_size=64\n", canonical, StringComparison.Ordinal);
        Assert.Contains("\n[vocabulary]\ncount=4107\nembedding_size=4107\n5:<unk>\n5:<pad>\n6:<mask>\n5:<cls>\n", canonical, StringComparison.Ordinal);
        Assert.EndsWith(
            "\n[embedder]\npooling=mean\nnormalize=true\nlong_reads=split\nmax_tokens=2048\nupper_case_first=false\nstrict_nucleotides=false\nprecision=float32\nattention=scaled-dot-product\n",
            canonical,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_in_another_number_format_has_another_fingerprint()
    {
        Assert.NotEqual(FingerprintOf("v2-tiny"), FingerprintOf("v2-tiny-bf16"));
    }

    [Fact]
    public async Task A_seeded_preset_has_the_same_fingerprint_in_another_process_and_another_seed_changes_it()
    {
        string Preset(long seed)
        {
            using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny", seed).OnDevice("cpu").Build();
            return embedder.Descriptor.Fingerprint;
        }

        var here = Preset(7);
        var report = await RuntimeProbeProcess.RunAsync("fingerprint");

        Assert.Equal(here, report.GetProperty("fingerprint").GetString());
        Assert.Equal(here, Preset(7));
        Assert.NotEqual(here, Preset(8));
    }

    private static (JsonElement Header, int DataStart) ReadHeader(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var json = JsonDocument.Parse(file.AsMemory(8, length));
        return (json.RootElement.Clone(), 8 + length);
    }

    private static void FlipLowestBit(string directory, string tensorName, int element)
    {
        var path = Path.Combine(directory, "model.safetensors");
        var file = File.ReadAllBytes(path);
        var (header, dataStart) = ReadHeader(file);
        var start = (int)header.GetProperty(tensorName).GetProperty("data_offsets")[0].GetInt64();
        file[dataStart + start + (element * 4)] ^= 1;
        File.WriteAllBytes(path, file);
    }

    private static TemporaryFixture CopyOfFixture(string name)
    {
        var copy = new TemporaryFixture(Path.Combine(Path.GetTempPath(), "connectomics-fingerprint-" + Guid.NewGuid().ToString("N"), name));
        Directory.CreateDirectory(copy.Path);
        foreach (var file in Directory.GetFiles(ReferenceFixture.PathOf(name)))
        {
            File.Copy(file, System.IO.Path.Combine(copy.Path, System.IO.Path.GetFileName(file)));
        }

        return copy;
    }

    private sealed class TemporaryFixture(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
    }
}
