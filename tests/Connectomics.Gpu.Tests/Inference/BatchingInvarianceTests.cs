using Connectomics.Devices;
using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Tokenization;
using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class BatchingInvarianceTests
{
    private static IReadOnlyList<SequenceRecord> MixedReads(int count, int seed) => RandomReads.Mixed(count, seed, 0, 400, "ACGTN");

    private static async Task<IReadOnlyList<SequenceEmbedding>> Embed(IReadOnlyList<SequenceRecord> records, Action<NucleotideTransformerEmbedderOptions> configure, string fixture = "v1-tiny")
    {
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(ReferenceFixture.PathOf(fixture))
            .OnDevice("cpu")
            .Configure(configure)
            .Build();
        return await embedder.EmbedAsync(records);
    }

    [Theory]
    [InlineData("v1-tiny")]
    [InlineData("v2-tiny")]
    public async Task Results_do_not_depend_on_how_reads_are_batched(string fixture)
    {
        var reads = MixedReads(40, seed: 7);
        var oneByOne = await Embed(reads, o => o.MaxBatchSize = 1, fixture);
        var small = await Embed(reads, o => o.MaxBatchTokens = 300, fixture);
        var large = await Embed(reads, o => o.MaxBatchTokens = 100_000, fixture);

        EmbeddingAssert.Close(oneByOne, small, 1e-5);
        EmbeddingAssert.Close(oneByOne, large, 1e-5);
    }

    [Fact]
    public async Task Several_replicas_share_the_work_and_keep_input_order()
    {
        var reads = MixedReads(60, seed: 13);
        var single = await Embed(reads, o => o.MaxBatchTokens = 400);

        // The data-parallel path (one replica per device, one shared queue) with three CPU replicas.
        var builder = NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(ReferenceFixture.PathOf("v1-tiny"))
            .Configure(o => o.MaxBatchTokens = 400);
        builder.ReplicaDevicesOverride = [ComputeDevice.Cpu, ComputeDevice.Cpu, ComputeDevice.Cpu];
        using var embedder = builder.Build();
        Assert.Equal(3, embedder.Devices.Count);
        var calls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => embedder.EmbedAsync(reads)));

        foreach (var parallel in calls)
        {
            EmbeddingAssert.Close(single, parallel, 1e-5);
        }
    }

    [Fact]
    public async Task Results_come_back_in_input_order_whatever_their_lengths()
    {
        var reads = MixedReads(25, seed: 3);
        var all = await Embed(reads, o => o.MaxBatchTokens = 500);
        var reversed = await Embed(reads.Reverse().ToArray(), o => o.MaxBatchTokens = 500);
        Assert.Equal(reads.Select(r => r.Id), all.Select(e => e.Id));
        EmbeddingAssert.Close(all, reversed.Reverse().ToArray(), 1e-5);
    }

    [Fact]
    public async Task Split_long_reads_average_their_windows_by_token_count()
    {
        var random = new Random(11);
        var sequence = new string(Enumerable.Range(0, 700).Select(_ => "ACGT"[random.Next(4)]).ToArray());
        var read = new SequenceRecord("long", sequence);

        // 700 nt = 116 six-mers + 4 letters = 120 tokens + CLS; with at most 50 tokens a window: 49 + 49 + 22 tokens.
        var split = (await Embed([read], o => { o.MaxTokens = 50; o.LongSequences = LongSequencePolicy.Split; }, "v2-tiny"))[0];
        Assert.Equal(3, split.WindowCount);
        Assert.Equal(50 + 50 + 23, split.TokenCount);

        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.V2);
        var windows = tokenizer.EncodeWindows(sequence, 50, LongSequencePolicy.Split);
        Assert.Equal(3, windows.Count);

        // The same windows embedded as reads of their own, then averaged by token count by hand.
        var decoded = windows.Select((w, i) => new SequenceRecord($"w{i}", DecodeNucleotides(tokenizer, w))).ToArray();
        var parts = await Embed(decoded, _ => { }, "v2-tiny");
        var expected = new float[split.Vector.Length];
        var total = windows.Sum(w => w.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.Equal(windows[i].Count, parts[i].TokenCount);
            for (var d = 0; d < expected.Length; d++)
            {
                expected[d] += parts[i].Vector.Span[d] * windows[i].Count / total;
            }
        }

        for (var d = 0; d < expected.Length; d++)
        {
            Assert.True(Math.Abs(expected[d] - split.Vector.Span[d]) <= 1e-5, $"[{d}] {expected[d]} vs {split.Vector.Span[d]}");
        }
    }

    [Fact]
    public async Task Truncate_and_reject_policies_apply_to_long_reads()
    {
        var read = new SequenceRecord("long", new string('A', 600));
        var truncated = (await Embed([read], o => { o.MaxTokens = 20; o.LongSequences = LongSequencePolicy.Truncate; }, "v2-tiny"))[0];
        Assert.Equal(20, truncated.TokenCount);
        Assert.Equal(1, truncated.WindowCount);

        var error = await Assert.ThrowsAsync<InvalidSequenceException>(() => Embed([read], o => { o.MaxTokens = 20; o.LongSequences = LongSequencePolicy.Reject; }, "v2-tiny"));
        Assert.Equal("long", error.RecordId);
    }

    [Fact]
    public async Task Normalized_vectors_have_unit_length_and_keep_their_direction()
    {
        var reads = MixedReads(5, seed: 5);
        var raw = await Embed(reads, _ => { });
        var unit = await Embed(reads, o => o.Normalize = true);
        for (var i = 0; i < reads.Count; i++)
        {
            var norm = Math.Sqrt(raw[i].Vector.ToArray().Sum(v => (double)v * v));
            Assert.Equal(1.0, Math.Sqrt(unit[i].Vector.ToArray().Sum(v => (double)v * v)), 5);
            for (var d = 0; d < raw[i].Vector.Length; d++)
            {
                Assert.Equal(raw[i].Vector.Span[d] / norm, unit[i].Vector.Span[d], 5);
            }
        }
    }

    /// <summary>Turns window ids back into nucleotides (dropping CLS) so they can be embedded as reads.</summary>
    private static string DecodeNucleotides(NucleotideTokenizer tokenizer, IReadOnlyList<int> window)
        => string.Concat(window.Skip(1).Select(id => tokenizer.Vocabulary.GetToken(id)));
}
