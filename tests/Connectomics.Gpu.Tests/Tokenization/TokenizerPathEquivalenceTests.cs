using Connectomics.Gpu.Tokenization;

namespace Connectomics.Gpu.Tests.Tokenization;

/// <summary>
/// The arithmetic k-mer path, the general trie path and a separate plain statement of the Hugging Face rules
/// (<see cref="ReferenceEsmTokenizer"/>) must give the same ids for any text.
/// </summary>
public sealed class TokenizerPathEquivalenceTests
{
    private const int Samples = 4000;

    private static readonly string[] Alphabet =
    [
        "A", "C", "G", "T", "N", "a", "c", "R", "Y", " ", "\t", "<", ">", "m", "a", "s", "k", "c", "l", "u", "n", "p", "d",
    ];

    private static readonly string[] Embedded =
    [
        "<mask>", "<cls>", "<pad>", "<unk>", "<eos>", "<bos>", "<mas", "<<mask>>", "mask>", "ACGTAC", "\U0001F600", "\u00A0",
    ];

    public static TheoryData<string> Vocabularies => ["V1", "V2"];

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Kmer_and_trie_paths_agree_on_random_text_without_angle_brackets(string name)
    {
        foreach (var upperCase in new[] { false, true })
        {
            var tokenizer = Tokenizer(name, upperCase);
            var random = new Random(1234 + (upperCase ? 1 : 0));
            for (var sample = 0; sample < Samples; sample++)
            {
                var text = RandomText(random).Replace("<", string.Empty, StringComparison.Ordinal);

                var fast = tokenizer.EncodeWithKmers(text);

                Assert.Equal(tokenizer.EncodeWithTrie(text), fast);
                Assert.Equal(fast, tokenizer.EncodeToIds(text));
                Assert.Equal(fast.Length, tokenizer.CountTokens(text));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Public_encoding_matches_the_reference_rules_on_random_text_with_special_tokens(string name)
    {
        var tokenizer = Tokenizer(name, upperCase: false);
        var reference = new ReferenceEsmTokenizer(tokenizer.Vocabulary.Tokens);
        var random = new Random(name == "V1" ? 99 : 100);
        var list = new List<int>();
        for (var sample = 0; sample < Samples; sample++)
        {
            var text = RandomText(random);
            var expected = reference.Encode(text);

            Assert.Equal(expected, tokenizer.EncodeToIds(text));
            Assert.Equal(expected, tokenizer.EncodeWithTrie(text));
            Assert.Equal(expected.Length, tokenizer.CountTokens(text));
            list.Clear();
            tokenizer.EncodeToIds(text, list);
            Assert.Equal(expected, list);
        }
    }

    [Fact]
    public void Upper_casing_then_encoding_matches_the_reference_rules_on_the_upper_cased_text()
    {
        var tokenizer = Tokenizer("V2", upperCase: true);
        var reference = new ReferenceEsmTokenizer(tokenizer.Vocabulary.Tokens);
        var random = new Random(7);
        for (var sample = 0; sample < Samples; sample++)
        {
            var text = RandomText(random);

            Assert.Equal(reference.Encode(UpperCaseOutsideSpecialTokens(text)), tokenizer.EncodeToIds(text));
        }
    }

    [Fact]
    public void Trie_path_matches_the_reference_rules_for_arbitrary_vocabularies()
    {
        var random = new Random(4242);
        for (var round = 0; round < 300; round++)
        {
            const string letters = "abcx<>\U0001F600";
            var words = new HashSet<string>(StringComparer.Ordinal);
            for (var w = random.Next(1, 9); w > 0; w--)
            {
                words.Add(string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => Pick(random, letters))));
            }

            if (random.Next(3) == 0)
            {
                words.Add("a b");
            }

            string[] specials = ["<unk>", "<pad>", "<mask>", "<cls>"];
            var tokens = specials.Concat(words.Except(specials).Order(StringComparer.Ordinal)).ToArray();
            var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.Create(tokens));
            var reference = new ReferenceEsmTokenizer(tokens);
            for (var sample = 0; sample < 60; sample++)
            {
                var text = string.Concat(Enumerable.Range(0, random.Next(0, 17)).Select(_ => Pick(random, letters + " ")));

                Assert.Equal(reference.Encode(text), tokenizer.EncodeToIds(text));
            }
        }
    }

    [Fact]
    public void Longest_match_prefers_the_longer_of_two_entries_with_a_common_prefix()
    {
        var tokenizer = new NucleotideTokenizer(
            NucleotideVocabulary.Create(["<unk>", "<pad>", "<mask>", "<cls>", "[CLS]", "extra_id_1", "extra_id_100"]));

        // Pieces: [CLS] | " This is a " (three unknown words) | extra_id_100.
        Assert.Equal([3, 4, 0, 0, 0, 6], tokenizer.EncodeToIds("[CLS] This is a extra_id_100"));
        // extra_id_10 is not an entry: extra_id_1 matches and the trailing 0 is unknown.
        Assert.Equal([3, 5, 6, 5, 0], tokenizer.EncodeToIds("extra_id_1 extra_id_100 extra_id_10"));
        Assert.Equal(0, tokenizer.Vocabulary.KmerLength);
    }

    [Fact]
    public void An_earlier_partial_match_continues_from_its_old_trie_node_as_in_Hugging_Face()
    {
        // "a" completes while the partial "xa" has just failed on "b"; Hugging Face then continues "xa" with the
        // character after "b", finds "xaz" and cuts one piece "xabz", which is not an entry: one <unk>.
        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.Create(["<unk>", "<pad>", "<mask>", "<cls>", "xaz", "a"]));

        Assert.Equal([3, 0], tokenizer.EncodeToIds("xabz"));
        Assert.Equal([3, 4], tokenizer.EncodeToIds("xaz"));
        Assert.Equal([3, 0, 5, 0], tokenizer.EncodeToIds("x a bz"));
    }

    [Fact]
    public void An_entry_with_inner_whitespace_is_split_into_its_words()
    {
        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.Create(["<unk>", "<pad>", "<mask>", "<cls>", "a b", "b"]));

        // The trie matches "a b" as one piece; the piece is then split on whitespace: "a" is unknown, "b" is 5.
        Assert.Equal([3, 0, 5], tokenizer.EncodeToIds("a b"));
    }

    private static NucleotideTokenizer Tokenizer(string name, bool upperCase) =>
        new(name == "V1" ? NucleotideVocabulary.V1 : NucleotideVocabulary.V2, new NucleotideTokenizerOptions { UpperCaseFirst = upperCase });

    private static string RandomText(Random random)
    {
        var parts = new List<string>();
        var length = random.Next(0, 41);
        while (parts.Count < length)
        {
            var roll = random.NextDouble();
            parts.Add(roll < 0.45 ? Pick(random, "ACGT") : roll < 0.93 ? Alphabet[random.Next(Alphabet.Length)] : Embedded[random.Next(Embedded.Length)]);
        }

        return string.Concat(parts);
    }

    private static string Pick(Random random, string letters)
    {
        var symbols = new List<string>();
        for (var i = 0; i < letters.Length; i++)
        {
            var width = char.IsHighSurrogate(letters[i]) ? 2 : 1;
            symbols.Add(letters.Substring(i, width));
            i += width - 1;
        }

        return symbols[random.Next(symbols.Count)];
    }

    private static string UpperCaseOutsideSpecialTokens(string text)
    {
        string[] specials = ["<mask>", "<unk>", "<pad>", "<cls>", "<eos>", "<bos>"];
        var result = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var special = specials.FirstOrDefault(s => text.AsSpan(i).StartsWith(s, StringComparison.Ordinal));
            if (special is not null)
            {
                result.Append(special);
                i += special.Length;
            }
            else
            {
                result.Append(text[i] is >= 'a' and <= 'z' ? char.ToUpperInvariant(text[i]) : text[i]);
                i++;
            }
        }

        return result.ToString();
    }
}
