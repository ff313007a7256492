using System.Text;
using Connectomics.Gpu.Tokenization;

namespace Connectomics.Gpu.Tests.Tokenization;

public sealed class NucleotideVocabularyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("connectomics-vocab-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void V2_layout_puts_all_special_tokens_first()
    {
        var v2 = NucleotideVocabulary.V2;

        Assert.Equal(4107, v2.Count);
        Assert.Equal(4107, v2.EmbeddingSize);
        Assert.Equal(["<unk>", "<pad>", "<mask>", "<cls>", "<eos>", "<bos>"], v2.Tokens.Take(6));
        Assert.Equal("AAAAAA", v2.GetToken(6));
        Assert.Equal("AAAAAT", v2.GetToken(7));
        Assert.Equal("AAAATA", v2.GetToken(10));
        Assert.Equal("TAAAAA", v2.GetToken(6 + 1024));
        Assert.Equal("GGGGGG", v2.GetToken(4101));
        Assert.Equal(["A", "T", "C", "G", "N"], v2.Tokens.Skip(4102));
        Assert.Equal((0, 1, 2, 3), (v2.UnkTokenId, v2.PadTokenId, v2.MaskTokenId, v2.ClsTokenId));
        Assert.Equal(6, v2.KmerLength);
    }

    [Fact]
    public void V1_layout_has_eos_and_bos_after_the_embedding()
    {
        var v1 = NucleotideVocabulary.V1;

        Assert.Equal(4107, v1.Count);
        Assert.Equal(4105, v1.EmbeddingSize);
        Assert.Equal(["<unk>", "<pad>", "<mask>", "<cls>"], v1.Tokens.Take(4));
        Assert.Equal("AAAAAA", v1.GetToken(4));
        Assert.Equal("GGGGGG", v1.GetToken(4099));
        Assert.Equal(["A", "T", "C", "G", "N", "<eos>", "<bos>"], v1.Tokens.Skip(4100));
        Assert.Equal((0, 1, 2, 3), (v1.UnkTokenId, v1.PadTokenId, v1.MaskTokenId, v1.ClsTokenId));
        Assert.Equal(6, v1.KmerLength);
    }

    [Fact]
    public void Ids_and_tokens_are_inverse_lookups()
    {
        var v2 = NucleotideVocabulary.V2;

        Assert.Equal(369, v2.Ids["ATTCCG"]);
        Assert.True(v2.TryGetId("ATTCCG".AsSpan(), out var id));
        Assert.Equal(369, id);
        Assert.False(v2.TryGetId("attccg".AsSpan(), out id));
        Assert.Equal(-1, id);
        for (var i = 0; i < v2.Count; i++)
        {
            Assert.Equal(i, v2.Ids[v2.GetToken(i)]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => v2.GetToken(4107));
        Assert.Throws<ArgumentOutOfRangeException>(() => v2.GetToken(-1));
    }

    [Fact]
    public void WriteTo_writes_a_Hugging_Face_vocab_txt_of_28718_bytes()
    {
        var path = Path.Combine(_directory, "vocab.txt");

        NucleotideVocabulary.V2.WriteTo(path);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(28_718, bytes.Length);
        Assert.NotEqual((byte)'\n', bytes[^1]);
        Assert.NotEqual(0xEF, bytes[0]);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        Assert.Equal(4107, lines.Length);
        Assert.Equal("<unk>", lines[0]);
        Assert.Equal("AAAAAA", lines[6]);
        Assert.Equal("N", lines[4106]);
    }

    [Fact]
    public void Both_built_in_vocabularies_round_trip_through_vocab_txt()
    {
        foreach (var vocabulary in new[] { NucleotideVocabulary.V1, NucleotideVocabulary.V2 })
        {
            var path = Path.Combine(_directory, "vocab.txt");
            vocabulary.WriteTo(path);

            var read = NucleotideVocabulary.FromFile(path, vocabulary.EmbeddingSize);

            Assert.Equal(28_718, new FileInfo(path).Length);
            Assert.Equal(vocabulary.Tokens, read.Tokens);
            Assert.Equal(vocabulary.EmbeddingSize, read.EmbeddingSize);
            Assert.Equal(6, read.KmerLength);
        }
    }

    [Fact]
    public void FromFile_defaults_the_embedding_size_to_the_entry_count()
    {
        var path = Path.Combine(_directory, "vocab.txt");
        NucleotideVocabulary.V1.WriteTo(path);

        Assert.Equal(4107, NucleotideVocabulary.FromFile(path).EmbeddingSize);
    }

    [Fact]
    public void FromFile_tolerates_CRLF_a_trailing_newline_and_surrounding_spaces()
    {
        var path = Path.Combine(_directory, "vocab.txt");
        var lines = NucleotideVocabulary.V2.Tokens.Select((t, i) => i == 10 ? "  " + t + " " : t);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");

        var read = NucleotideVocabulary.FromFile(path);

        Assert.Equal(NucleotideVocabulary.V2.Tokens, read.Tokens);
        Assert.Equal([3, 369, 4102], new NucleotideTokenizer(read).EncodeToIds("ATTCCGA"));
    }

    [Fact]
    public void A_repeated_token_is_reported_with_file_and_line()
    {
        var path = Write("<unk>\n<pad>\n<mask>\n<cls>\nA\nA\nC");

        var error = Assert.Throws<VocabularyFormatException>(() => NucleotideVocabulary.FromFile(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(6, error.LineNumber);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ConnectomicsException>(error);
    }

    [Fact]
    public void An_empty_line_is_reported_with_file_and_line()
    {
        var path = Write("<unk>\n<pad>\n \n<mask>\n<cls>");

        var error = Assert.Throws<VocabularyFormatException>(() => NucleotideVocabulary.FromFile(path));

        Assert.Equal(3, error.LineNumber);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_special_token_is_reported_with_the_file()
    {
        var path = Write("<unk>\n<pad>\n<mask>\nA");

        var error = Assert.Throws<VocabularyFormatException>(() => NucleotideVocabulary.FromFile(path));

        Assert.Null(error.LineNumber);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("<cls>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_is_reported()
    {
        var path = Path.Combine(_directory, "bad.txt");
        File.WriteAllBytes(path, [(byte)'<', (byte)'u', 0xFF, 0xFE, (byte)'\n']);

        var error = Assert.Throws<VocabularyFormatException>(() => NucleotideVocabulary.FromFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void An_embedding_size_that_misses_a_special_token_is_rejected()
    {
        var path = Write("<unk>\n<pad>\n<mask>\n<cls>\nA");

        Assert.Throws<ArgumentOutOfRangeException>(() => NucleotideVocabulary.FromFile(path, 3));
        Assert.Equal(4, NucleotideVocabulary.FromFile(path, 4).EmbeddingSize);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" A")]
    [InlineData("A\nC")]
    [InlineData("<cls>")]
    public void Create_rejects_tokens_that_would_not_survive_vocab_txt(string bad)
    {
        string[] tokens = ["<unk>", "<pad>", "<mask>", "<cls>", bad];

        Assert.Throws<ArgumentException>(() => NucleotideVocabulary.Create(tokens));
    }

    [Fact]
    public void Create_requires_the_four_special_tokens()
    {
        var error = Assert.Throws<ArgumentException>(() => NucleotideVocabulary.Create(["<unk>", "<pad>", "<cls>", "A"]));

        Assert.Contains("<mask>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_3_mer_vocabulary_is_recognised_for_the_arithmetic_path()
    {
        var three = NucleotideVocabulary.Create(
            new[] { "<unk>", "<pad>", "<mask>", "<cls>", "<eos>", "<bos>" }
                .Concat(from a in "ATCG" from b in "ATCG" from c in "ATCG" select $"{a}{b}{c}")
                .Concat(["A", "T", "C", "G", "N"]));
        var tokenizer = new NucleotideTokenizer(three);

        // ACG = 0·16+2·4+3 = 11 → 17; TAC = 1·16+0+2 = 18 → 24; G 73; T 71.
        Assert.Equal(3, three.KmerLength);
        Assert.Equal([3, 17, 24, 73, 71], tokenizer.EncodeToIds("ACGTACGT"));
        Assert.Equal([3, 17, 24, 73, 71], tokenizer.EncodeWithTrie("ACGTACGT"));
    }

    [Fact]
    public void A_vocabulary_without_a_complete_k_mer_block_has_no_k_mer_length()
    {
        var partial = NucleotideVocabulary.Create(
            new[] { "<unk>", "<pad>", "<mask>", "<cls>" }
                .Concat(NucleotideVocabulary.V2.Tokens.Skip(6).Take(4000))
                .Concat(["A", "T", "C", "G", "N"]));
        var tokenizer = new NucleotideTokenizer(partial);

        // GGGGGG is not an entry any more, so the trie falls back to single letters there.
        Assert.Equal(0, partial.KmerLength);
        Assert.Equal([3, 4, 4007, 4007, 4007, 4007, 4007, 4007], tokenizer.EncodeToIds("AAAAAAGGGGGG"));
    }

    private string Write(string content)
    {
        var path = Path.Combine(_directory, "vocab.txt");
        File.WriteAllText(path, content);
        return path;
    }
}
