using Connectomics.Gpu.Tokenization;

namespace Connectomics.Gpu.Tests.Tokenization;

public sealed class NucleotideTokenizerWindowTests
{
    // ATTCCG 369, ACGTGT 739, AAAAAA 6, then C C C C (4104 each): 8 tokens with <cls>.
    private const string Sequence = "ATTCCGACGTGTAAAAAACCCC";
    private static readonly int[] AllIds = [3, 369, 739, 6, 4104, 4104, 4104, 4104];
    private static readonly NucleotideTokenizer V2 = new(NucleotideVocabulary.V2);

    [Theory]
    [InlineData(LongSequencePolicy.Reject)]
    [InlineData(LongSequencePolicy.Truncate)]
    [InlineData(LongSequencePolicy.Split)]
    public void A_sequence_that_fits_is_one_window(LongSequencePolicy policy)
    {
        var windows = V2.EncodeWindows(Sequence, 8, policy);

        var window = Assert.Single(windows);
        Assert.Equal(AllIds, window);
    }

    [Fact]
    public void Reject_names_record_token_count_and_limit()
    {
        var error = Assert.Throws<InvalidSequenceException>(
            () => V2.EncodeWindows(Sequence, 7, LongSequencePolicy.Reject, "chr1:100-122"));

        Assert.Equal("chr1:100-122", error.RecordId);
        Assert.Contains("chr1:100-122", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 tokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncate_keeps_cls_and_the_first_tokens()
    {
        var windows = V2.EncodeWindows(Sequence, 4, LongSequencePolicy.Truncate);

        Assert.Equal([3, 369, 739, 6], Assert.Single(windows));
    }

    [Fact]
    public void Split_cuts_the_tokens_into_windows_that_each_start_with_cls()
    {
        var windows = V2.EncodeWindows(Sequence, 4, LongSequencePolicy.Split);

        Assert.Equal(3, windows.Count);
        Assert.Equal([3, 369, 739, 6], windows[0]);
        Assert.Equal([3, 4104, 4104, 4104], windows[1]);
        Assert.Equal([3, 4104], windows[2]);
    }

    [Fact]
    public void Split_one_token_over_the_limit_gives_a_one_token_last_window()
    {
        var windows = V2.EncodeWindows(Sequence, 7, LongSequencePolicy.Split);

        Assert.Equal(2, windows.Count);
        Assert.Equal([3, 369, 739, 6, 4104, 4104, 4104], windows[0]);
        Assert.Equal([3, 4104], windows[1]);
    }

    [Fact]
    public void Split_with_two_tokens_per_window_covers_every_token_once()
    {
        var windows = V2.EncodeWindows(Sequence, 2, LongSequencePolicy.Split);

        Assert.Equal(7, windows.Count);
        Assert.All(windows, w => Assert.Equal(3, w[0]));
        Assert.Equal(AllIds[1..], windows.Select(w => Assert.Single(w.Skip(1))));
    }

    [Fact]
    public void An_empty_sequence_is_one_window_holding_cls()
    {
        Assert.Equal([3], Assert.Single(V2.EncodeWindows(string.Empty, 2, LongSequencePolicy.Reject)));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => V2.EncodeWindows(Sequence, 1, LongSequencePolicy.Split));
        Assert.Throws<ArgumentOutOfRangeException>(() => V2.EncodeWindows(Sequence, 4, (LongSequencePolicy)7));
        Assert.Throws<ArgumentNullException>(() => V2.EncodeWindows(null!, 4, LongSequencePolicy.Split));
    }

    [Fact]
    public void Strict_mode_errors_name_the_record_in_windows_too()
    {
        var strict = new NucleotideTokenizer(NucleotideVocabulary.V2, new NucleotideTokenizerOptions { StrictNucleotides = true });

        var error = Assert.Throws<InvalidSequenceException>(
            () => strict.EncodeWindows("ACGTX", 100, LongSequencePolicy.Split, "read-9"));

        Assert.Equal("read-9", error.RecordId);
        Assert.Equal(4, error.Position);
    }
}
