using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Tokenization;
using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>A bad record ends EmbedAsync with one <see cref="InvalidSequenceException"/> naming the first bad record in
/// input order, whether the records were tokenized on one thread (under 256) or on many.</summary>
public sealed class InvalidRecordTests
{
    private static SequenceRecord[] Records(int count, IReadOnlyDictionary<int, string> bad) =>
        Enumerable.Range(0, count).Select(i => new SequenceRecord($"s{i}", bad.TryGetValue(i, out var sequence) ? sequence : "ACGTACNN")).ToArray();

    [Theory]
    [InlineData(300)]
    [InlineData(10)]
    public async Task A_character_refused_in_strict_mode_names_the_first_bad_record(int count)
    {
        // Several bad records, the later ones early in their own threads' ranges: only the first in input order counts.
        var bad = new Dictionary<int, string> { [count - 1] = "ACGTRY", [7] = "ACGTACXT", [count - 2] = "N-N" };
        if (count > 100)
        {
            bad[count / 2] = "ACGU";
        }

        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
            .Configure(o => o.Tokenizer.StrictNucleotides = true).Build();

        var error = await Assert.ThrowsAsync<InvalidSequenceException>(() => embedder.EmbedAsync(Records(count, bad)));

        Assert.Equal("s7", error.RecordId);
        Assert.Equal(6, error.Position);
        Assert.Equal("Record 's7' has 'X' (U+0058) at position 6; only A, C, G, T and N are accepted.", error.Message);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(10)]
    public async Task A_read_over_the_limit_under_reject_names_the_first_long_record(int count)
    {
        var longRead = string.Concat(Enumerable.Repeat("ACGTAC", 5)); // 6 tokens with <cls>; the others have 4
        var bad = new Dictionary<int, string> { [count - 2] = longRead + longRead, [5] = longRead };
        if (count > 100)
        {
            bad[count / 2] = longRead;
        }

        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
            .Configure(o => { o.MaxTokens = 4; o.LongSequences = LongSequencePolicy.Reject; }).Build();

        var error = await Assert.ThrowsAsync<InvalidSequenceException>(() => embedder.EmbedAsync(Records(count, bad)));

        Assert.Equal("s5", error.RecordId);
        Assert.Null(error.Position);
        Assert.Equal("Record 's5' has 6 tokens (<cls> included), more than the limit of 4.", error.Message);
    }
}
