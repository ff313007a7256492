using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Tokenization;
using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class PreparedInputTests
{
    private static NucleotideTransformerEmbedder FromFixture(Action<NucleotideTransformerEmbedderOptions>? configure = null) =>
        NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(ReferenceFixture.PathOf("v2-tiny"))
            .OnDevice("cpu")
            .Configure(o => configure?.Invoke(o))
            .Build();

    [Fact]
    public void Prepare_counts_tokens_and_unknown_tokens_as_the_tokenizer_splits_the_read()
    {
        using var embedder = FromFixture();
        IEmbeddingModel<SequenceRecord> model = embedder;

        // <cls>, ACGTAC (one 6-mer), N, N, N, <unk> for the lower-case run "acgt", T, T (too few for a 6-mer),
        // then "ac" and "gt" on either side of the space: one <unk> each.
        var prepared = model.Prepare(new SequenceRecord("r1", "ACGTACNNNacgtTTac gt"));

        Assert.True(prepared.IsUsable);
        Assert.Null(prepared.Problem);
        Assert.Equal(10, prepared.Cost);
        Assert.Equal(3, prepared.UnknownUnits);
        Assert.Equal(1, prepared.AddedUnits);
    }

    [Fact]
    public void A_soft_masked_read_tokenized_as_it_is_is_all_unknown_besides_the_cls_the_model_adds()
    {
        using var embedder = FromFixture();

        // <cls>, then one <unk> for the whole lower-case run: all of the read's own tokens are unknown.
        var prepared = embedder.Prepare(new SequenceRecord("masked", "acgtacgtacgtacgtacgtacgt"));

        Assert.Equal(2, prepared.Cost);
        Assert.Equal(1, prepared.AddedUnits);
        Assert.Equal(1, prepared.UnknownUnits);
    }

    [Fact]
    public void With_upper_casing_the_same_read_has_no_unknown_tokens()
    {
        using var embedder = FromFixture(o => o.Tokenizer.UpperCaseFirst = true);

        // <cls>, ACGTAC, N, N, N, ACGTTT, A, C, then G, T after the space.
        var prepared = embedder.Prepare(new SequenceRecord("r1", "ACGTACNNNacgtTTac gt"));

        Assert.Equal(10, prepared.Cost);
        Assert.Equal(0, prepared.UnknownUnits);
    }

    [Fact]
    public void The_cost_of_a_long_read_is_what_its_windows_compute()
    {
        // 30 letters = 5 six-mers, 6 tokens with <cls>; a limit of 4 tokens per window.
        var read = new SequenceRecord("long", string.Concat(Enumerable.Repeat("ACGTAC", 5)));
        using var split = FromFixture(o => { o.MaxTokens = 4; o.LongSequences = LongSequencePolicy.Split; });
        using var truncate = FromFixture(o => { o.MaxTokens = 4; o.LongSequences = LongSequencePolicy.Truncate; });

        Assert.Equal(4 + 3, split.Prepare(read).Cost); // [<cls> k k k] [<cls> k k]
        Assert.Equal(2, split.Prepare(read).AddedUnits);
        Assert.Equal(4, truncate.Prepare(read).Cost);
        Assert.Equal(1, truncate.Prepare(read).AddedUnits);
    }

    [Theory]
    [InlineData("", "Record 'bad' has an empty sequence.")]
    [InlineData(" \t ", "Record 'bad' has no tokens besides <cls>")]
    public void A_read_with_nothing_to_embed_is_unusable(string sequence, string reason)
    {
        using var embedder = FromFixture();

        var prepared = embedder.Prepare(new SequenceRecord("bad", sequence));

        Assert.False(prepared.IsUsable);
        Assert.Null(prepared.Payload);
        Assert.StartsWith(reason, prepared.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_character_refused_by_strict_mode_makes_the_read_unusable_naming_it()
    {
        using var embedder = FromFixture(o => o.Tokenizer.StrictNucleotides = true);

        var prepared = embedder.Prepare(new SequenceRecord("bad", "ACGXT"));

        Assert.False(prepared.IsUsable);
        Assert.Equal("Record 'bad' has 'X' (U+0058) at position 3; only A, C, G, T and N are accepted.", prepared.Problem);
    }

    [Fact]
    public void A_read_over_the_limit_under_reject_is_unusable_naming_its_size()
    {
        using var embedder = FromFixture(o => { o.MaxTokens = 4; o.LongSequences = LongSequencePolicy.Reject; });

        var prepared = embedder.Prepare(new SequenceRecord("long", string.Concat(Enumerable.Repeat("ACGTAC", 5))));

        Assert.False(prepared.IsUsable);
        Assert.Equal("Record 'long' has 6 tokens (<cls> included), more than the limit of 4.", prepared.Problem);
    }

    [Fact]
    public async Task EncodeAsync_gives_the_vectors_of_EmbedAsync_bit_for_bit()
    {
        // Normalised, with windows split and averaged: every step after tokenizing is shared.
        using var embedder = FromFixture(o => { o.Normalize = true; o.MaxTokens = 40; o.MaxBatchTokens = 700; });
        var records = ReferenceFixture.Load("v2-tiny").Records
            .Where(r => r.Sequence.Length > 0) // an empty read is unusable for Prepare; EmbedAsync embeds its <cls>
            .Concat(RandomReads.Mixed(40, seed: 11, minLength: 1, maxLength: 600, alphabet: "ACGTNacgtRY"))
            .ToArray();

        var embedded = await embedder.EmbedAsync(records);
        var prepared = await Task.WhenAll(records.Select(r => Task.Run(() => embedder.Prepare(r))));
        var encoded = await embedder.EncodeAsync(prepared);
        var again = await embedder.EncodeAsync(prepared);

        Assert.Contains(embedded, e => e.WindowCount > 1);
        Assert.Equal(records.Length, encoded.Count);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Equal(embedded[i].TokenCount, prepared[i].Cost);
            Assert.Equal(embedded[i].Vector.ToArray(), encoded[i].ToArray());
            Assert.Equal(encoded[i].ToArray(), again[i].ToArray());
        }
    }

    [Fact]
    public async Task EncodeAsync_refuses_unusable_inputs_and_inputs_of_another_model()
    {
        using var embedder = FromFixture();
        using var other = FromFixture(o => o.Pooling = EmbeddingPooling.Cls);
        var good = embedder.Prepare(new SequenceRecord("ok", "ACGTACGT"));

        var unusable = await Assert.ThrowsAsync<ArgumentException>(() => embedder.EncodeAsync([good, embedder.Prepare(new SequenceRecord("e", ""))]));
        var foreign = await Assert.ThrowsAsync<ArgumentException>(() => embedder.EncodeAsync([other.Prepare(new SequenceRecord("ok", "ACGTACGT"))]));
        var alien = await Assert.ThrowsAsync<ArgumentException>(() => embedder.EncodeAsync([PreparedInput.Usable("ACGT", 5)]));

        Assert.Contains("inputs[1] is unusable (Record 'e' has an empty sequence.)", unusable.Message, StringComparison.Ordinal);
        Assert.Contains($"fingerprint {other.Descriptor.Fingerprint}", foreign.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[0] was not prepared by a NucleotideTransformerEmbedder", alien.Message, StringComparison.Ordinal);
        Assert.Empty(await embedder.EncodeAsync([]));
        Assert.Equal(64, (await embedder.EncodeAsync([good]))[0].Length);
    }

    [Fact]
    public async Task A_disposed_embedder_refuses_to_prepare_and_encode()
    {
        var embedder = FromFixture();
        var prepared = embedder.Prepare(new SequenceRecord("ok", "ACGT"));
        embedder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => embedder.Prepare(new SequenceRecord("ok", "ACGT")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => embedder.EncodeAsync([prepared]));
    }
}
