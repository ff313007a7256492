using System.Collections.Frozen;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// The vocabulary of a Nucleotide Transformer model: every token string and its id, as listed in the model's
/// Hugging Face <c>vocab.txt</c> (line index = id).
/// </summary>
/// <remarks>
/// <para>
/// Use <see cref="V1"/> for the v1 models (500m-human-ref, 500m-1000g, 2.5b-1000g, 2.5b-multi-species) and
/// <see cref="V2"/> for the v2 models (50m to 500m multi-species), or <see cref="FromFile"/> for a model's own file.
/// </para>
/// <para>
/// Both built-in vocabularies list <c>&lt;unk&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;mask&gt;</c>, <c>&lt;cls&gt;</c>,
/// <c>&lt;eos&gt;</c>, <c>&lt;bos&gt;</c>, the 4,096 6-mers over A, T, C, G in Cartesian order (first letter slowest,
/// letter order A, T, C, G), and the single letters A, T, C, G, N; they differ in where the <c>&lt;eos&gt;</c> and
/// <c>&lt;bos&gt;</c> entries sit and so in the ids of everything after the first four.
/// </para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class NucleotideVocabulary
{
    /// <summary>The unknown-token string, <c>&lt;unk&gt;</c>.</summary>
    public const string UnkToken = "<unk>";

    /// <summary>The padding-token string, <c>&lt;pad&gt;</c>.</summary>
    public const string PadToken = "<pad>";

    /// <summary>The mask-token string, <c>&lt;mask&gt;</c>.</summary>
    public const string MaskToken = "<mask>";

    /// <summary>The class-token string, <c>&lt;cls&gt;</c>, put in front of every encoded sequence.</summary>
    public const string ClsToken = "<cls>";

    private const string EosToken = "<eos>";
    private const string BosToken = "<bos>";
    private const int BuiltInKmerLength = 6;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Lazy<NucleotideVocabulary> s_v1 = new(CreateV1);
    private static readonly Lazy<NucleotideVocabulary> s_v2 = new(CreateV2);

    private readonly string[] _tokens;
    private readonly FrozenDictionary<string, int> _ids;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;

    private NucleotideVocabulary(string[] tokens, FrozenDictionary<string, int> ids, int embeddingSize)
    {
        _tokens = tokens;
        _ids = ids;
        _idsBySpan = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        Tokens = new ReadOnlyCollection<string>(tokens);
        EmbeddingSize = embeddingSize;
        UnkTokenId = ids[UnkToken];
        PadTokenId = ids[PadToken];
        MaskTokenId = ids[MaskToken];
        ClsTokenId = ids[ClsToken];
        Trie = new TokenTrie(tokens);
        Layout = KmerLayout.Detect(Tokens, ids);
        BracketTokens = [.. tokens.Where(t => t.Length > 1 && t[0] == '<' && t[^1] == '>').OrderByDescending(t => t.Length)];
    }

    /// <summary>
    /// Gets the vocabulary of the v1 models: <c>&lt;unk&gt;</c> 0, <c>&lt;pad&gt;</c> 1, <c>&lt;mask&gt;</c> 2,
    /// <c>&lt;cls&gt;</c> 3, 6-mers 4 to 4099, A 4100, T 4101, C 4102, G 4103, N 4104, then <c>&lt;eos&gt;</c> 4105 and
    /// <c>&lt;bos&gt;</c> 4106, which have no row in the v1 embedding (<see cref="EmbeddingSize"/> is 4105).
    /// </summary>
    public static NucleotideVocabulary V1 => s_v1.Value;

    /// <summary>
    /// Gets the vocabulary of the v2 models: <c>&lt;unk&gt;</c> 0, <c>&lt;pad&gt;</c> 1, <c>&lt;mask&gt;</c> 2,
    /// <c>&lt;cls&gt;</c> 3, <c>&lt;eos&gt;</c> 4, <c>&lt;bos&gt;</c> 5, 6-mers 6 to 4101, A 4102, T 4103, C 4104,
    /// G 4105, N 4106 (<see cref="EmbeddingSize"/> 4107).
    /// </summary>
    public static NucleotideVocabulary V2 => s_v2.Value;

    /// <summary>Gets the token strings, indexed by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Gets the ids, keyed by token string (ordinal, case-sensitive).</summary>
    public IReadOnlyDictionary<string, int> Ids => _ids;

    /// <summary>Gets the number of token strings (the number of lines of <c>vocab.txt</c>).</summary>
    public int Count => _tokens.Length;

    /// <summary>
    /// Gets the number of rows of the model's token-embedding table (the model's <c>vocab_size</c>): 4105 for
    /// <see cref="V1"/>, 4107 for <see cref="V2"/>. Ids at or above it have no embedding.
    /// </summary>
    public int EmbeddingSize { get; }

    /// <summary>Gets the id of <c>&lt;unk&gt;</c>, given to text that matches no entry.</summary>
    public int UnkTokenId { get; }

    /// <summary>Gets the id of <c>&lt;pad&gt;</c>.</summary>
    public int PadTokenId { get; }

    /// <summary>Gets the id of <c>&lt;mask&gt;</c>.</summary>
    public int MaskTokenId { get; }

    /// <summary>Gets the id of <c>&lt;cls&gt;</c>.</summary>
    public int ClsTokenId { get; }

    /// <summary>
    /// Gets k, the length of the k-mer entries (6 for <see cref="V1"/> and <see cref="V2"/>), or 0 when the
    /// vocabulary has no complete block of k-mers over A, T, C, G in Cartesian order plus the single letters
    /// A, T, C, G, N. Only vocabularies with such a block get the arithmetic fast path of
    /// <see cref="NucleotideTokenizer"/>; the others are matched entry by entry, with the same result.
    /// </summary>
    public int KmerLength => Layout?.Length ?? 0;

    /// <summary>Gets the trie over every entry, used to match arbitrary text.</summary>
    internal TokenTrie Trie { get; }

    /// <summary>Gets the k-mer layout, when the vocabulary has one.</summary>
    internal KmerLayout? Layout { get; }

    /// <summary>Gets the entries written in angle brackets (special tokens), longest first.</summary>
    internal string[] BracketTokens { get; }

    /// <summary>Reads a Hugging Face <c>vocab.txt</c>: one token per line, the line index being the id.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="embeddingSize">
    /// The number of rows of the model's embedding table; <see langword="null"/> (the default) for the number of
    /// entries. Pass 4105 for a v1 file that lists <c>&lt;eos&gt;</c> and <c>&lt;bos&gt;</c> after N.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <remarks>
    /// The file is read as Hugging Face reads it: UTF-8 (a byte-order mark is ignored), lines ended by
    /// <c>\n</c>, <c>\r\n</c>, <c>\r</c> or any other boundary of Python's <c>str.splitlines</c>, a final line
    /// ending optional, and whitespace around each token removed.
    /// </remarks>
    /// <exception cref="VocabularyFormatException">
    /// The file is not UTF-8, has an empty or repeated entry (the message names the line), or lacks one of
    /// <c>&lt;unk&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;mask&gt;</c>, <c>&lt;cls&gt;</c>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="embeddingSize"/> does not cover the four special tokens' ids.
    /// </exception>
    public static NucleotideVocabulary FromFile(string path, int? embeddingSize = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        string text;
        try
        {
            text = File.ReadAllText(path, s_strictUtf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new VocabularyFormatException($"The vocabulary file '{path}' is not valid UTF-8 text.", path, null, ex);
        }

        var lines = PythonText.SplitLines(text);
        var tokens = new string[lines.Count];
        var ids = new Dictionary<string, int>(lines.Count, StringComparer.Ordinal);
        for (var id = 0; id < lines.Count; id++)
        {
            var token = PythonText.Strip(lines[id]).ToString();
            var line = id + 1;
            if (token.Length == 0)
            {
                throw new VocabularyFormatException(
                    $"The vocabulary file '{path}' has an empty entry on line {Format(line)}.", path, line);
            }

            if (!ids.TryAdd(token, id))
            {
                throw new VocabularyFormatException(
                    $"The vocabulary file '{path}' repeats the token '{token}' on line {Format(line)} (first on line {Format(ids[token] + 1)}).",
                    path,
                    line);
            }

            tokens[id] = token;
        }

        var missing = MissingSpecialToken(ids);
        if (missing is not null)
        {
            throw new VocabularyFormatException(
                $"The vocabulary file '{path}' has no '{missing}' entry; Nucleotide Transformer vocabularies list <unk>, <pad>, <mask> and <cls>.",
                path,
                null);
        }

        return Build(tokens, ids, embeddingSize);
    }

    /// <summary>Creates a vocabulary from token strings, the position of each being its id.</summary>
    /// <param name="tokens">The tokens, in id order.</param>
    /// <param name="embeddingSize">
    /// The number of rows of the model's embedding table; <see langword="null"/> (the default) for the number of
    /// entries.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentException">
    /// A token is null, empty, repeated, has whitespace at either end or a line break (it could not be written to
    /// and read back from <c>vocab.txt</c>), or one of <c>&lt;unk&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;mask&gt;</c>,
    /// <c>&lt;cls&gt;</c> is missing.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="embeddingSize"/> does not cover the four special tokens' ids.
    /// </exception>
    public static NucleotideVocabulary Create(IEnumerable<string> tokens, int? embeddingSize = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);

        var list = tokens.ToArray();
        var ids = new Dictionary<string, int>(list.Length, StringComparer.Ordinal);
        for (var id = 0; id < list.Length; id++)
        {
            var token = list[id];
            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentException($"The token with id {Format(id)} is null or empty.", nameof(tokens));
            }

            if (PythonText.Strip(token).Length != token.Length || token.AsSpan().IndexOfAny(LineBoundaries) >= 0)
            {
                throw new ArgumentException(
                    $"The token with id {Format(id)} ('{token}') has whitespace at an end or a line break, so it would not survive vocab.txt.",
                    nameof(tokens));
            }

            if (!ids.TryAdd(token, id))
            {
                throw new ArgumentException(
                    $"The token '{token}' appears twice (ids {Format(ids[token])} and {Format(id)}).", nameof(tokens));
            }
        }

        var missing = MissingSpecialToken(ids);
        if (missing is not null)
        {
            throw new ArgumentException(
                $"The tokens lack '{missing}'; Nucleotide Transformer vocabularies list <unk>, <pad>, <mask> and <cls>.",
                nameof(tokens));
        }

        return Build(list, ids, embeddingSize);
    }

    /// <summary>Gets the token string of an id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The token string.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not an id of this vocabulary.</exception>
    public string GetToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>Looks up the id of a token string (ordinal, case-sensitive), without allocating.</summary>
    /// <param name="token">The token string.</param>
    /// <param name="id">Receives the id, or -1 when the string is not an entry.</param>
    /// <returns><see langword="true"/> when the string is an entry.</returns>
    public bool TryGetId(ReadOnlySpan<char> token, out int id)
    {
        if (_idsBySpan.TryGetValue(token, out id))
        {
            return true;
        }

        id = -1;
        return false;
    }

    /// <summary>
    /// Writes the vocabulary as Hugging Face's <c>save_vocabulary</c> does: UTF-8 without a byte-order mark, the
    /// tokens joined by <c>\n</c>, no newline after the last one. The built-in vocabularies give 28,718 bytes.
    /// </summary>
    /// <param name="path">The file path; an existing file is replaced.</param>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, string.Join('\n', _tokens), s_strictUtf8);
    }

    private static ReadOnlySpan<char> LineBoundaries => "\n\r\v\f\u001C\u001D\u001E\u0085\u2028\u2029";

    private static NucleotideVocabulary Build(string[] tokens, Dictionary<string, int> ids, int? embeddingSize)
    {
        var frozen = ids.ToFrozenDictionary(StringComparer.Ordinal);
        var size = embeddingSize ?? tokens.Length;
        var highestSpecial = Math.Max(Math.Max(frozen[UnkToken], frozen[PadToken]), Math.Max(frozen[MaskToken], frozen[ClsToken]));
        if (size <= highestSpecial)
        {
            throw new ArgumentOutOfRangeException(
                nameof(embeddingSize),
                size,
                $"The embedding size must exceed the id of every special token (the highest is {Format(highestSpecial)}).");
        }

        return new NucleotideVocabulary(tokens, frozen, size);
    }

    private static string? MissingSpecialToken(Dictionary<string, int> ids)
    {
        foreach (var special in (ReadOnlySpan<string>)[UnkToken, PadToken, MaskToken, ClsToken])
        {
            if (!ids.ContainsKey(special))
            {
                return special;
            }
        }

        return null;
    }

    private static NucleotideVocabulary CreateV1()
    {
        var tokens = new List<string> { UnkToken, PadToken, MaskToken, ClsToken };
        AddKmersAndLetters(tokens);
        tokens.Add(EosToken);
        tokens.Add(BosToken);
        return Create(tokens, 4105);
    }

    private static NucleotideVocabulary CreateV2()
    {
        var tokens = new List<string> { UnkToken, PadToken, MaskToken, ClsToken, EosToken, BosToken };
        AddKmersAndLetters(tokens);
        return Create(tokens, 4107);
    }

    private static void AddKmersAndLetters(List<string> tokens)
    {
        Span<char> kmer = stackalloc char[BuiltInKmerLength];
        for (var index = 0; index < 1 << (2 * BuiltInKmerLength); index++)
        {
            KmerLayout.WriteKmer(index, kmer);
            tokens.Add(kmer.ToString());
        }

        foreach (var letter in KmerLayout.Letters + "N")
        {
            tokens.Add(letter.ToString());
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
