using Connectomics.Gpu.Tokenization;

namespace Connectomics.Gpu.Tests.Tokenization;

/// <summary>
/// Expected ids are derived by hand from the vocabulary rules: k-mer index = Σ code·4^(5−i) with A0 T1 C2 G3;
/// v1 id = 4 + index, v2 id = 6 + index; single letters v1 A4100 T4101 C4102 G4103 N4104, v2 A4102 T4103 C4104
/// G4105 N4106; &lt;unk&gt; 0, &lt;pad&gt; 1, &lt;mask&gt; 2, &lt;cls&gt; 3.
/// </summary>
public sealed class NucleotideTokenizerTests
{
    private static readonly NucleotideTokenizer V1 = new(NucleotideVocabulary.V1);
    private static readonly NucleotideTokenizer V2 = new(NucleotideVocabulary.V2);

    // Prefixes of ATTCCG ACGTGT A: ATTCCG = 0·1024+1·256+1·64+2·16+2·4+3 = 363 (v1 367, v2 369);
    // ACGTGT = 0·1024+2·256+3·64+1·16+3·4+1 = 733 (v1 737, v2 739).
    [Theory]
    [InlineData("", new[] { 3 }, new[] { 3 })]
    [InlineData("A", new[] { 3, 4100 }, new[] { 3, 4102 })]
    [InlineData("AT", new[] { 3, 4100, 4101 }, new[] { 3, 4102, 4103 })]
    [InlineData("ATT", new[] { 3, 4100, 4101, 4101 }, new[] { 3, 4102, 4103, 4103 })]
    [InlineData("ATTC", new[] { 3, 4100, 4101, 4101, 4102 }, new[] { 3, 4102, 4103, 4103, 4104 })]
    [InlineData("ATTCC", new[] { 3, 4100, 4101, 4101, 4102, 4102 }, new[] { 3, 4102, 4103, 4103, 4104, 4104 })]
    [InlineData("ATTCCG", new[] { 3, 367 }, new[] { 3, 369 })]
    [InlineData("ATTCCGA", new[] { 3, 367, 4100 }, new[] { 3, 369, 4102 })]
    [InlineData("ATTCCGAC", new[] { 3, 367, 4100, 4102 }, new[] { 3, 369, 4102, 4104 })]
    [InlineData("ATTCCGACG", new[] { 3, 367, 4100, 4102, 4103 }, new[] { 3, 369, 4102, 4104, 4105 })]
    [InlineData("ATTCCGACGT", new[] { 3, 367, 4100, 4102, 4103, 4101 }, new[] { 3, 369, 4102, 4104, 4105, 4103 })]
    [InlineData("ATTCCGACGTG", new[] { 3, 367, 4100, 4102, 4103, 4101, 4103 }, new[] { 3, 369, 4102, 4104, 4105, 4103, 4105 })]
    [InlineData("ATTCCGACGTGT", new[] { 3, 367, 737 }, new[] { 3, 369, 739 })]
    [InlineData("ATTCCGACGTGTA", new[] { 3, 367, 737, 4100 }, new[] { 3, 369, 739, 4102 })]
    public void Prefixes_of_a_13_nt_sequence_give_the_hand_derived_ids(string sequence, int[] v1, int[] v2)
    {
        Assert.Equal(v1, V1.EncodeToIds(sequence));
        Assert.Equal(v2, V2.EncodeToIds(sequence));
        Assert.Equal(v1.Length, V1.CountTokens(sequence));
        Assert.Equal(v2.Length, V2.CountTokens(sequence));
    }

    // The worked examples of the model notes, section 2.4, exactly.
    [Theory]
    [InlineData("ATTCCGATTCCGATTCCG", new[] { 3, 367, 367, 367 }, new[] { 3, 369, 369, 369 })]
    [InlineData(
        "ATTTCTCTCTCTCTCTGAGATCGATCGATCGAT",
        new[] { 3, 349, 2461, 2464, 3184, 1738, 4103, 4100, 4101 },
        new[] { 3, 351, 2463, 2466, 3186, 1740, 4105, 4102, 4103 })]
    [InlineData(
        "ACGTGTACNTGCACGGANCGACTAGTCTGA",
        new[] { 3, 737, 4100, 4102, 4104, 1935, 4103, 4100, 4104, 2856, 3488 },
        new[] { 3, 739, 4102, 4104, 4106, 1937, 4105, 4102, 4106, 2858, 3490 })]
    // ACGTAC = 0+2·256+3·64+1·16+0+2 = 722 (v1 726, v2 728); the notes give the v2 ids.
    [InlineData("ACGTRYACGTAC", new[] { 3, 4100, 4102, 4103, 4101, 0, 726 }, new[] { 3, 4102, 4104, 4105, 4103, 0, 728 })]
    [InlineData("acgtacgt", new[] { 3, 0 }, new[] { 3, 0 })]
    // GTACGT = 3·1024+1·256+0+2·16+3·4+1 = 3373 (v1 3377, v2 3379).
    [InlineData(
        "ACGTACGTACGT ACGT",
        new[] { 3, 726, 3377, 4100, 4102, 4103, 4101 },
        new[] { 3, 728, 3379, 4102, 4104, 4105, 4103 })]
    [InlineData("AAAAAAAAAAAAA", new[] { 3, 4, 4, 4100 }, new[] { 3, 6, 6, 4102 })]
    public void Worked_examples_of_the_model_notes(string sequence, int[] v1, int[] v2)
    {
        Assert.Equal(v1, V1.EncodeToIds(sequence));
        Assert.Equal(v2, V2.EncodeToIds(sequence));
    }

    [Theory]
    [InlineData("N", new[] { 3, 4106 })]
    [InlineData("NNNNNN", new[] { 3, 4106, 4106, 4106, 4106, 4106, 4106 })]
    [InlineData("ACGTACN", new[] { 3, 728, 4106 })]
    [InlineData("ACGTNACGTAC", new[] { 3, 4102, 4104, 4105, 4103, 4106, 728 })]
    public void N_is_a_token_of_its_own_and_breaks_6_mers(string sequence, int[] v2)
    {
        Assert.Equal(v2, V2.EncodeToIds(sequence));
    }

    [Theory]
    [InlineData("ACGTaCGTAC", new[] { 3, 4102, 4104, 4105, 4103, 0, 4104, 4105, 4103, 4102, 4104 })]
    [InlineData("ACGTACg", new[] { 3, 728, 0 })]
    [InlineData("aACGTAC", new[] { 3, 0, 728 })]
    public void A_lower_case_letter_is_unknown_and_breaks_6_mers(string sequence, int[] v2)
    {
        Assert.Equal(v2, V2.EncodeToIds(sequence));
    }

    [Theory]
    [InlineData("R", new[] { 3, 0 })]
    [InlineData("RYKMSWBDHV", new[] { 3, 0 })]
    [InlineData("R Y", new[] { 3, 0, 0 })]
    [InlineData("ACGTACR", new[] { 3, 728, 0 })]
    [InlineData("RACGTACY", new[] { 3, 0, 728, 0 })]
    [InlineData("XNX", new[] { 3, 0, 4106, 0 })]
    public void Each_whitespace_separated_run_of_unknown_letters_is_one_unk(string sequence, int[] v2)
    {
        Assert.Equal(v2, V2.EncodeToIds(sequence));
    }

    [Theory]
    [InlineData("  \t\n ", new[] { 3 })]
    [InlineData(" ACGTAC\tACGTAC\n", new[] { 3, 728, 728 })]
    [InlineData("ACG TAC", new[] { 3, 4102, 4104, 4105, 4103, 4102, 4104 })]
    [InlineData("ACGTA\u00A0C", new[] { 3, 4102, 4104, 4105, 4103, 4102, 4104 })]
    [InlineData("R\u001FY", new[] { 3, 0, 0 })]
    public void Whitespace_yields_nothing_but_breaks_grouping(string sequence, int[] v2)
    {
        Assert.Equal(v2, V2.EncodeToIds(sequence));
    }

    [Theory]
    [InlineData("<mask>", new[] { 3, 2 })]
    [InlineData("ACGT<mask>ACGTAC", new[] { 3, 4102, 4104, 4105, 4103, 2, 728 })]
    [InlineData("ACGTAC<mask>", new[] { 3, 728, 2 })]
    [InlineData("AC <mask> GT", new[] { 3, 4102, 4104, 2, 4105, 4103 })]
    [InlineData("<cls><pad><unk>", new[] { 3, 3, 1, 0 })]
    [InlineData("<eos><bos>", new[] { 3, 4, 5 })]
    [InlineData("<mas", new[] { 3, 0 })]
    [InlineData("<maskACGT", new[] { 3, 0, 4102, 4104, 4105, 4103 })]
    [InlineData("<<mask>>", new[] { 3, 0, 2, 0 })]
    [InlineData("<MASK>", new[] { 3, 0, 4102, 0 })]
    public void Special_token_strings_in_the_text_match(string sequence, int[] v2)
    {
        Assert.Equal(v2, V2.EncodeToIds(sequence));
        Assert.Equal(v2.Length, V2.CountTokens(sequence));
    }

    [Fact]
    public void V1_gives_eos_and_bos_ids_beyond_its_embedding_as_Hugging_Face_does()
    {
        Assert.Equal([3, 4105, 4106], V1.EncodeToIds("<eos><bos>"));
        Assert.Equal(4105, V1.VocabularySize);
    }

    [Theory]
    [InlineData("acgtac", new[] { 3, 728 })]
    [InlineData("aCgTaC", new[] { 3, 728 })]
    [InlineData("acgtn", new[] { 3, 4102, 4104, 4105, 4103, 4106 })]
    [InlineData("acgtry", new[] { 3, 4102, 4104, 4105, 4103, 0 })]
    [InlineData("acgt<mask>acgtac", new[] { 3, 4102, 4104, 4105, 4103, 2, 728 })]
    [InlineData("<mask>", new[] { 3, 2 })]
    [InlineData("<Mask>", new[] { 3, 0, 4102, 0 })]
    public void Upper_casing_first_reads_soft_masked_letters_as_nucleotides(string sequence, int[] v2)
    {
        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.V2, new NucleotideTokenizerOptions { UpperCaseFirst = true });

        Assert.Equal(v2, tokenizer.EncodeToIds(sequence));
        Assert.Equal(v2.Length, tokenizer.CountTokens(sequence));
    }

    [Fact]
    public void Without_upper_casing_a_soft_masked_run_is_one_unk()
    {
        Assert.Equal([3, 0], V2.EncodeToIds("acgtac"));
    }

    [Fact]
    public void Strict_mode_names_record_position_and_character()
    {
        var tokenizer = Strict();

        var error = Assert.Throws<InvalidSequenceException>(() => tokenizer.EncodeToIds("ACGTRA", "read-7"));

        Assert.Equal("read-7", error.RecordId);
        Assert.Equal(4, error.Position);
        Assert.Contains("read-7", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("'R'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACGT ACGT", 4, "U+0020")]
    [InlineData("acgt", 0, "'a'")]
    [InlineData("ACGT<mask>", 4, "'<'")]
    [InlineData("NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNX", 40, "'X'")]
    public void Strict_mode_rejects_anything_but_ACGTN(string sequence, int position, string shown)
    {
        var tokenizer = Strict();

        var error = Assert.Throws<InvalidSequenceException>(() => tokenizer.EncodeToIds(sequence));
        var countError = Assert.Throws<InvalidSequenceException>(() => tokenizer.CountTokens(sequence, "r"));

        Assert.Equal(position, error.Position);
        Assert.Null(error.RecordId);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.Equal("r", countError.RecordId);
        Assert.Equal(position, countError.Position);
    }

    [Fact]
    public void Strict_mode_accepts_nucleotides_and_with_upper_casing_lower_case_ones()
    {
        var strictUpper = new NucleotideTokenizer(
            NucleotideVocabulary.V2, new NucleotideTokenizerOptions { StrictNucleotides = true, UpperCaseFirst = true });

        Assert.Equal([3, 728, 4106], Strict().EncodeToIds("ACGTACN"));
        Assert.Equal([3, 728, 4106], strictUpper.EncodeToIds("acgTAcn"));
        Assert.Throws<InvalidSequenceException>(() => strictUpper.EncodeToIds("acgtr"));
    }

    [Fact]
    public void Strict_mode_leaves_a_list_as_it_was_on_error()
    {
        var ids = new List<int> { 7, 8 };

        Assert.Throws<InvalidSequenceException>(() => Strict().EncodeToIds("ACGTACR", ids, "read-1"));

        Assert.Equal([7, 8], ids);
    }

    [Fact]
    public void Span_overload_writes_the_same_ids_and_refuses_a_short_destination()
    {
        const string sequence = "ATTCCGACGTGTA";
        var destination = new int[sequence.Length + 1];

        var written = V2.EncodeToIds(sequence, destination);

        Assert.Equal(4, written);
        Assert.Equal([3, 369, 739, 4102], destination[..written]);
        var error = Assert.Throws<ArgumentException>(() => V2.EncodeToIds(sequence, new int[3]));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void List_overload_appends_after_existing_ids()
    {
        var ids = new List<int> { 42 };

        var appended = V2.EncodeToIds("ATTCCGA", ids);
        appended += V2.EncodeToIds("<mask>", ids);

        Assert.Equal(5, appended);
        Assert.Equal([42, 3, 369, 4102, 3, 2], ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ATTCCGACGTGTA")]
    [InlineData("ACGTRYACGTAC")]
    [InlineData("ac gt\tRY<mask>NN<eos>ACGTACGT")]
    [InlineData("\U0001F600ACGTAC \U0001F600")]
    public void CountTokens_equals_the_number_of_encoded_ids(string sequence)
    {
        foreach (var tokenizer in new[] { V1, V2 })
        {
            Assert.Equal(tokenizer.EncodeToIds(sequence).Count, tokenizer.CountTokens(sequence));
        }
    }

    [Fact]
    public void Counting_and_encoding_into_a_span_allocate_nothing_for_nucleotide_text()
    {
        var sequence = string.Concat(Enumerable.Repeat("ACGTNACGTTGCAATTCCGGA", 500));
        var destination = new int[sequence.Length + 1];
        V2.CountTokens(sequence);
        V2.EncodeToIds(sequence, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = V2.CountTokens(sequence);
        var written = V2.EncodeToIds(sequence, destination);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(count, written);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Decode_joins_token_strings_with_spaces()
    {
        Assert.Equal("<cls> ATTCCG A", V2.Decode([3, 369, 4102]));
        Assert.Equal("<cls> ATTCCG A", V1.Decode([3, 367, 4100]));
        Assert.Equal("<cls> ACGTGT A C N <unk> <mask>", V2.Decode(V2.EncodeToIds("ACGTGTACNR<mask>")));
        Assert.Equal(string.Empty, V2.Decode([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => V2.Decode([3, 4107]));
        Assert.Throws<ArgumentOutOfRangeException>(() => V2.Decode([-1]));
    }

    [Fact]
    public void Exposes_pad_id_and_embedding_size()
    {
        Assert.Equal(1, V1.PadTokenId);
        Assert.Equal(1, V2.PadTokenId);
        Assert.Equal(4105, V1.VocabularySize);
        Assert.Equal(4107, V2.VocabularySize);
        Assert.Same(NucleotideVocabulary.V2, V2.Vocabulary);
    }

    [Fact]
    public void Options_default_to_Hugging_Face_behaviour_and_are_copied_at_construction()
    {
        var options = new NucleotideTokenizerOptions();
        Assert.False(options.UpperCaseFirst);
        Assert.False(options.StrictNucleotides);

        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.V2, options);
        options.UpperCaseFirst = true;
        options.StrictNucleotides = true;

        Assert.False(tokenizer.UpperCaseFirst);
        Assert.False(tokenizer.StrictNucleotides);
        Assert.Equal([3, 0], tokenizer.EncodeToIds("acgtac"));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new NucleotideTokenizer(null!));
        Assert.Throws<ArgumentNullException>(() => V2.EncodeToIds(null!));
        Assert.Throws<ArgumentNullException>(() => V2.EncodeToIds("ACGT", (List<int>)null!));
        Assert.Throws<ArgumentNullException>(() => V2.Decode(null!));
    }

    private static NucleotideTokenizer Strict() =>
        new(NucleotideVocabulary.V2, new NucleotideTokenizerOptions { StrictNucleotides = true });
}
