using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Connectomics.Tokenization;

namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// The Nucleotide Transformer tokenizer: by default it gives exactly the ids of the Hugging Face
/// <c>EsmTokenizer</c> (the slow tokenizer that <c>AutoTokenizer</c> loads for NT models) for any input text.
/// </summary>
/// <remarks>
/// <para>
/// The rules, as Hugging Face applies them: every vocabulary entry is an unsplittable token; the text is scanned
/// left to right and at each position the longest entry that starts there is taken (so, with the NT vocabularies,
/// a 6-mer when the next six characters are all A/C/G/T, otherwise the single letter A, C, G, T or N); special-token
/// strings written in the text, such as <c>&lt;mask&gt;</c>, match too. Text that starts no entry is split on
/// whitespace and each chunk becomes one <c>&lt;unk&gt;</c>; whitespace itself yields nothing but still ends a run
/// of letters. Matching is case-sensitive. <c>&lt;cls&gt;</c> is put in front and nothing is appended (NT has no
/// end-of-sequence token).
/// </para>
/// <para>
/// With a vocabulary whose <see cref="NucleotideVocabulary.KmerLength"/> is not 0 (both built-in ones), text
/// without a <c>&lt;</c> is encoded by arithmetic, k-mer id = first k-mer id + Σ code(s[i])·4^(k−1−i) with
/// A=0, T=1, C=2, G=3; text with a <c>&lt;</c>, and every text over other vocabularies, goes through the general
/// trie matcher. Both give the same ids.
/// </para>
/// <para>
/// With <see cref="NucleotideVocabulary.V1"/>, the strings <c>&lt;eos&gt;</c> and <c>&lt;bos&gt;</c> written in the
/// text give ids 4105 and 4106, as in Hugging Face, although the v1 embedding has no row for them; use
/// <see cref="StrictNucleotides"/> to refuse such input.
/// </para>
/// <para>Instances are immutable and safe to use from many threads at once.</para>
/// </remarks>
public sealed class NucleotideTokenizer : ISequenceTokenizer
{
    private static readonly SearchValues<char> s_nucleotides = SearchValues.Create("ACGTN");
    private static readonly SearchValues<char> s_nucleotidesAnyCase = SearchValues.Create("ACGTNacgtn");

    private readonly NucleotideVocabulary _vocabulary;

    /// <summary>Initializes a new instance over the given vocabulary.</summary>
    /// <param name="vocabulary">The vocabulary: <see cref="NucleotideVocabulary.V1"/>, <see cref="NucleotideVocabulary.V2"/> or a model's file.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults (exact Hugging Face behaviour).</param>
    public NucleotideTokenizer(NucleotideVocabulary vocabulary, NucleotideTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = vocabulary;
        UpperCaseFirst = options?.UpperCaseFirst ?? false;
        StrictNucleotides = options?.StrictNucleotides ?? false;
    }

    /// <summary>Gets the vocabulary.</summary>
    public NucleotideVocabulary Vocabulary => _vocabulary;

    /// <summary>Gets a value indicating whether lower-case ASCII letters are read as upper case first.</summary>
    /// <seealso cref="NucleotideTokenizerOptions.UpperCaseFirst"/>
    public bool UpperCaseFirst { get; }

    /// <summary>Gets a value indicating whether only A, C, G, T and N are accepted.</summary>
    /// <seealso cref="NucleotideTokenizerOptions.StrictNucleotides"/>
    public bool StrictNucleotides { get; }

    /// <summary>Gets the number of rows of the model's embedding table (<see cref="NucleotideVocabulary.EmbeddingSize"/>).</summary>
    public int VocabularySize => _vocabulary.EmbeddingSize;

    /// <summary>Gets the id of <c>&lt;pad&gt;</c> (1 for the NT vocabularies).</summary>
    public int PadTokenId => _vocabulary.PadTokenId;

    /// <summary>Encodes a sequence: <c>&lt;cls&gt;</c> followed by the sequence's tokens.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The token ids.</returns>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public IReadOnlyList<int> EncodeToIds(string sequence) => EncodeToIds(sequence, recordId: null);

    /// <summary>Encodes a sequence, naming its record in any error.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="recordId">The id of the record the sequence comes from, for error messages.</param>
    /// <returns>The token ids, <c>&lt;cls&gt;</c> first.</returns>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public IReadOnlyList<int> EncodeToIds(string sequence, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return EncodeToArray(sequence, recordId);
    }

    /// <summary>
    /// Encodes a sequence into a caller's buffer, allocating nothing for nucleotide text; for the hot path.
    /// </summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="destination">
    /// Receives the ids, <c>&lt;cls&gt;</c> first. <see cref="CountTokens(ReadOnlySpan{char})"/> tells the exact
    /// length needed; <c>sequence.Length + 1</c> always suffices.
    /// </param>
    /// <param name="recordId">The id of the record the sequence comes from, for error messages.</param>
    /// <returns>The number of ids written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public int EncodeToIds(ReadOnlySpan<char> sequence, Span<int> destination, string? recordId = null)
    {
        var writer = new TokenWriter(destination);
        EncodeCore(sequence, recordId, ref writer);
        return writer.Count;
    }

    /// <summary>Encodes a sequence and appends the ids to a list, which can be reused across calls.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="destination">The list the ids are appended to, <c>&lt;cls&gt;</c> first.</param>
    /// <param name="recordId">The id of the record the sequence comes from, for error messages.</param>
    /// <returns>The number of ids appended.</returns>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N; the list is
    /// then left as it was.
    /// </exception>
    public int EncodeToIds(ReadOnlySpan<char> sequence, List<int> destination, string? recordId = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var start = destination.Count;
        var written = 0;
        CollectionsMarshal.SetCount(destination, start + sequence.Length + 1);
        try
        {
            var writer = new TokenWriter(CollectionsMarshal.AsSpan(destination)[start..]);
            EncodeCore(sequence, recordId, ref writer);
            written = writer.Count;
        }
        finally
        {
            CollectionsMarshal.SetCount(destination, start + written);
        }

        return written;
    }

    /// <summary>Counts the tokens <see cref="EncodeToIds(string)"/> would produce, without allocating them.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The token count, <c>&lt;cls&gt;</c> included.</returns>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public int CountTokens(ReadOnlySpan<char> sequence) => CountTokens(sequence, recordId: null);

    /// <summary>Counts the tokens of a sequence without allocating them, naming its record in any error.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="recordId">The id of the record the sequence comes from, for error messages.</param>
    /// <returns>The token count, <c>&lt;cls&gt;</c> included.</returns>
    /// <exception cref="InvalidSequenceException">
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public int CountTokens(ReadOnlySpan<char> sequence, string? recordId)
    {
        if (StrictNucleotides)
        {
            ThrowIfNotNucleotides(sequence, recordId);
        }

        var layout = _vocabulary.Layout;
        if (layout is not null && !sequence.Contains('<'))
        {
            return 1 + KmerEncoder.Count(sequence, layout, UpperCaseFirst);
        }

        var counter = default(TokenCounter);
        EncodeWithTrieCore(sequence, ref counter);
        return 1 + counter.Count;
    }

    /// <summary>
    /// Turns ids back into text as Hugging Face's <c>decode</c> does: the token strings separated by one space,
    /// special tokens written as their names (for example <c>&lt;cls&gt; ATTCCG A</c>).
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The decoded text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is not an id of the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_vocabulary.Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(ids), id, $"The id is not in the vocabulary (ids run from 0 to {Format(_vocabulary.Count - 1)}).");
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(_vocabulary.Tokens[id]);
        }

        return text.ToString();
    }

    /// <summary>
    /// Encodes a sequence into windows that each fit a model that reads at most <paramref name="maxTokens"/> tokens.
    /// </summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="maxTokens">
    /// The most tokens one window may hold, <c>&lt;cls&gt;</c> included (1000 for v1 models, 2048 for v2); at least 2.
    /// </param>
    /// <param name="policy">What to do when the sequence does not fit in one window.</param>
    /// <param name="recordId">The id of the record the sequence comes from, for error messages.</param>
    /// <returns>
    /// The windows, each starting with <c>&lt;cls&gt;</c>: one window equal to
    /// <see cref="EncodeToIds(string, string)"/> when the sequence fits, otherwise as <paramref name="policy"/> says.
    /// </returns>
    /// <exception cref="InvalidSequenceException">
    /// The sequence does not fit and <paramref name="policy"/> is <see cref="LongSequencePolicy.Reject"/>; or
    /// <see cref="StrictNucleotides"/> is set and the sequence has a character other than A, C, G, T, N.
    /// </exception>
    public IReadOnlyList<IReadOnlyList<int>> EncodeWindows(
        string sequence, int maxTokens, LongSequencePolicy policy, string? recordId = null)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown long-sequence policy.");
        }

        var problem = TryEncodeWindows(sequence, maxTokens, policy, recordId, out var windows);
        return problem is null ? windows : throw problem;
    }

    /// <summary>
    /// Encodes a sequence into windows as <see cref="EncodeWindows"/> does, but hands back the problem instead of
    /// throwing it, so that callers tokenizing many records (on many threads) can choose which one to report.
    /// </summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="maxTokens">The most tokens one window may hold, <c>&lt;cls&gt;</c> included; at least 2.</param>
    /// <param name="policy">What to do when the sequence does not fit in one window (a defined value).</param>
    /// <param name="recordId">The id of the record the sequence comes from, for the problem's message.</param>
    /// <param name="windows">The windows, each starting with <c>&lt;cls&gt;</c>; empty when there is a problem.</param>
    /// <returns><see langword="null"/>, or the exception <see cref="EncodeWindows"/> would have thrown (not yet thrown).</returns>
    internal InvalidSequenceException? TryEncodeWindows(
        string sequence, int maxTokens, LongSequencePolicy policy, string? recordId, out int[][] windows)
    {
        windows = [];
        if (StrictNucleotides && FindNonNucleotide(sequence, recordId) is { } refused)
        {
            return refused;
        }

        var ids = EncodeToArray(sequence, recordId, validated: true);
        if (ids.Length <= maxTokens)
        {
            windows = [ids];
            return null;
        }

        switch (policy)
        {
            case LongSequencePolicy.Reject:
                return new InvalidSequenceException(
                    $"{Describe(recordId)} has {Format(ids.Length)} tokens (<cls> included), more than the limit of {Format(maxTokens)}.",
                    recordId,
                    null);
            case LongSequencePolicy.Truncate:
                windows = [ids[..maxTokens]];
                return null;
            default:
                windows = Split(ids, maxTokens);
                return null;
        }
    }

    /// <summary>Encodes with the general trie matcher whatever the vocabulary, for comparing the two paths.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The ids, <c>&lt;cls&gt;</c> first.</returns>
    internal int[] EncodeWithTrie(ReadOnlySpan<char> sequence)
    {
        var buffer = ArrayPool<int>.Shared.Rent(sequence.Length + 1);
        try
        {
            var writer = new TokenWriter(buffer);
            writer.Add(_vocabulary.ClsTokenId);
            EncodeWithTrieCore(sequence, ref writer);
            return buffer.AsSpan(0, writer.Count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>Encodes with the arithmetic k-mer path, for comparing the two paths.</summary>
    /// <param name="sequence">The sequence; must not contain <c>&lt;</c>.</param>
    /// <returns>The ids, <c>&lt;cls&gt;</c> first.</returns>
    internal int[] EncodeWithKmers(ReadOnlySpan<char> sequence)
    {
        var layout = _vocabulary.Layout
            ?? throw new InvalidOperationException("The vocabulary has no k-mer layout.");
        if (sequence.Contains('<'))
        {
            throw new ArgumentException("The k-mer path does not handle '<'.", nameof(sequence));
        }

        var buffer = ArrayPool<int>.Shared.Rent(sequence.Length + 1);
        try
        {
            var writer = new TokenWriter(buffer);
            writer.Add(_vocabulary.ClsTokenId);
            KmerEncoder.Encode(sequence, layout, _vocabulary.UnkTokenId, UpperCaseFirst, ref writer);
            return buffer.AsSpan(0, writer.Count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    private static int[][] Split(int[] ids, int maxTokens)
    {
        var perWindow = maxTokens - 1;
        var bodyLength = ids.Length - 1;
        var windows = new int[(bodyLength + perWindow - 1) / perWindow][];
        for (var w = 0; w < windows.Length; w++)
        {
            var start = 1 + (w * perWindow);
            var length = Math.Min(perWindow, ids.Length - start);
            var window = new int[length + 1];
            window[0] = ids[0];
            Array.Copy(ids, start, window, 1, length);
            windows[w] = window;
        }

        return windows;
    }

    private int[] EncodeToArray(ReadOnlySpan<char> sequence, string? recordId, bool validated = false)
    {
        var buffer = ArrayPool<int>.Shared.Rent(sequence.Length + 1);
        try
        {
            var writer = new TokenWriter(buffer);
            EncodeCore(sequence, recordId, ref writer, validated);
            return buffer.AsSpan(0, writer.Count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    private void EncodeCore<TSink>(ReadOnlySpan<char> sequence, string? recordId, ref TSink sink, bool validated = false)
        where TSink : ITokenSink, allows ref struct
    {
        if (StrictNucleotides && !validated)
        {
            ThrowIfNotNucleotides(sequence, recordId);
        }

        sink.Add(_vocabulary.ClsTokenId);
        var layout = _vocabulary.Layout;
        if (layout is not null && !sequence.Contains('<'))
        {
            KmerEncoder.Encode(sequence, layout, _vocabulary.UnkTokenId, UpperCaseFirst, ref sink);
        }
        else
        {
            EncodeWithTrieCore(sequence, ref sink);
        }
    }

    private void EncodeWithTrieCore<TSink>(ReadOnlySpan<char> sequence, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        if (!UpperCaseFirst)
        {
            TrieEncoder.Encode(sequence, _vocabulary, ref sink);
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(sequence.Length);
        try
        {
            var upper = buffer.AsSpan(0, sequence.Length);
            UpperCaseOutsideSpecialTokens(sequence, upper);
            TrieEncoder.Encode(upper, _vocabulary, ref sink);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the text with lower-case ASCII letters made upper case, except inside the special-token strings
    /// (vocabulary entries in angle brackets) written in it, so that <c>&lt;mask&gt;</c> still matches.
    /// </summary>
    private void UpperCaseOutsideSpecialTokens(ReadOnlySpan<char> source, Span<char> destination)
    {
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '<')
            {
                var kept = LongestSpecialTokenAt(source[i..]);
                if (kept > 0)
                {
                    source.Slice(i, kept).CopyTo(destination[i..]);
                    i += kept;
                    continue;
                }
            }

            destination[i] = char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
            i++;
        }
    }

    private int LongestSpecialTokenAt(ReadOnlySpan<char> text)
    {
        foreach (var token in _vocabulary.BracketTokens)
        {
            if (text.StartsWith(token, StringComparison.Ordinal))
            {
                return token.Length;
            }
        }

        return 0;
    }

    private void ThrowIfNotNucleotides(ReadOnlySpan<char> sequence, string? recordId)
    {
        if (FindNonNucleotide(sequence, recordId) is { } refused)
        {
            throw refused;
        }
    }

    private InvalidSequenceException? FindNonNucleotide(ReadOnlySpan<char> sequence, string? recordId)
    {
        var position = sequence.IndexOfAnyExcept(UpperCaseFirst ? s_nucleotidesAnyCase : s_nucleotides);
        if (position < 0)
        {
            return null;
        }

        var c = sequence[position];
        var shown = char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c)
            ? $"U+{Format((int)c, "X4")}"
            : $"'{c}' (U+{Format((int)c, "X4")})";
        return new InvalidSequenceException(
            $"{Describe(recordId)} has {shown} at position {Format(position)}; only A, C, G, T and N are accepted{(UpperCaseFirst ? " (in either case)" : string.Empty)}.",
            recordId,
            position);
    }

    private static string Describe(string? recordId) =>
        recordId is null ? "The sequence" : $"Record '{recordId}'";

    private static string Format(int value, string? format = null) =>
        value.ToString(format, CultureInfo.InvariantCulture);
}
