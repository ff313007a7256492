namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// A character trie over every vocabulary string, with the splitting rule of the Hugging Face slow tokenizers
/// (<c>Trie.split</c> in transformers): one left-to-right pass that tracks every partial match, and on the first
/// completed one looks ahead for the longest match from the earliest start that can still complete.
/// </summary>
/// <remarks>
/// <para>
/// Text is handled as Unicode code points, as Python strings are, so a character outside the Basic Multilingual
/// Plane is one step. Positions passed in and out are code-point indices.
/// </para>
/// <para>
/// One Hugging Face quirk is reproduced on purpose, because the goal is identical ids: during the lookahead, a
/// partial match that started earlier but failed on the current character is continued from the trie node it
/// had reached before that character, skipping the character. With the Nucleotide Transformer vocabularies this
/// cannot change a result (every nucleotide letter completes a token at once and special tokens start with
/// <c>&lt;</c>), but with other vocabularies it can.
/// </para>
/// </remarks>
internal sealed class TokenTrie
{
    private const int Root = 0;

    private readonly Dictionary<long, int> _children = [];
    private readonly List<bool> _isEnd = [false];

    /// <summary>Initializes a new instance holding the given strings; empty strings are ignored.</summary>
    /// <param name="words">The strings to match.</param>
    public TokenTrie(IEnumerable<string> words)
    {
        foreach (var word in words)
        {
            Add(word);
        }
    }

    /// <summary>
    /// Finds the cut positions of <paramref name="text"/>: pairs of (start, end) for each match, in order, after an
    /// initial 0. Consecutive positions delimit the pieces; equal or decreasing positions delimit nothing.
    /// </summary>
    /// <param name="text">The text as code points.</param>
    /// <param name="cuts">Receives the cut positions (cleared first).</param>
    public void Split(ReadOnlySpan<int> text, List<int> cuts)
    {
        cuts.Clear();
        cuts.Add(0);

        // Partial matches in order of their start: where each started and the node it has reached.
        var starts = new List<int>();
        var nodes = new List<int>();
        var failed = new List<bool>();
        var resumeAt = 0;

        for (var position = 0; position < text.Length; position++)
        {
            if (position < resumeAt)
            {
                continue;
            }

            var codePoint = text[position];
            var matched = false;
            for (var i = 0; i < starts.Count; i++)
            {
                if (_isEnd[nodes[i]])
                {
                    var (start, end) = ResolveMatch(text, position, i, starts, nodes);
                    cuts.Add(start);
                    cuts.Add(end);
                    resumeAt = end;
                    matched = true;
                    break;
                }

                if (TryStep(nodes[i], codePoint, out var next))
                {
                    nodes[i] = next;
                }
                else
                {
                    // Kept (with its old node) until this position is done: the lookahead may still read it.
                    failed[i] = true;
                }
            }

            if (matched)
            {
                starts.Clear();
                nodes.Clear();
                failed.Clear();
            }
            else
            {
                RemoveFailed(starts, nodes, failed);
            }

            if (position >= resumeAt && TryStep(Root, codePoint, out var first))
            {
                starts.Add(position);
                nodes.Add(first);
                failed.Add(false);
            }
        }

        // At the end of the text only matches already complete count; the earliest one wins.
        for (var i = 0; i < starts.Count; i++)
        {
            if (_isEnd[nodes[i]])
            {
                cuts.Add(starts[i]);
                cuts.Add(text.Length);
                break;
            }
        }
    }

    private static void RemoveFailed(List<int> starts, List<int> nodes, List<bool> failed)
    {
        var kept = 0;
        for (var i = 0; i < starts.Count; i++)
        {
            if (failed[i])
            {
                continue;
            }

            starts[kept] = starts[i];
            nodes[kept] = nodes[i];
            failed[kept] = false;
            kept++;
        }

        var removed = starts.Count - kept;
        starts.RemoveRange(kept, removed);
        nodes.RemoveRange(kept, removed);
        failed.RemoveRange(kept, removed);
    }

    /// <summary>
    /// Decides which match to take once the partial match at <paramref name="completed"/> has completed: the first
    /// partial match, in order of start, whose longest continuation reaches a complete string. Earlier ones have
    /// already consumed the current character (or failed on it) and continue after it; the completed one continues
    /// from the current character.
    /// </summary>
    private (int Start, int End) ResolveMatch(
        ReadOnlySpan<int> text, int position, int completed, List<int> starts, List<int> nodes)
    {
        for (var i = 0; i < completed; i++)
        {
            var end = LongestEnd(text, nodes[i], position + 1);
            if (end >= 0)
            {
                return (starts[i], end);
            }
        }

        return (starts[completed], LongestEnd(text, nodes[completed], position));
    }

    /// <summary>
    /// Walks the trie from <paramref name="node"/> along the text from <paramref name="index"/> and returns the end
    /// of the longest complete string found (including the node itself), or -1 when there is none.
    /// </summary>
    private int LongestEnd(ReadOnlySpan<int> text, int node, int index)
    {
        var end = _isEnd[node] ? index : -1;
        while (index < text.Length && TryStep(node, text[index], out var next))
        {
            node = next;
            index++;
            if (_isEnd[node])
            {
                end = index;
            }
        }

        return end;
    }

    private bool TryStep(int node, int codePoint, out int next) =>
        _children.TryGetValue(Key(node, codePoint), out next);

    private void Add(string word)
    {
        if (word.Length == 0)
        {
            return;
        }

        var node = Root;
        var i = 0;
        while (i < word.Length)
        {
            var codePoint = CodePoints.At(word, i, out var width);
            i += width;
            var key = Key(node, codePoint);
            if (!_children.TryGetValue(key, out var next))
            {
                next = _isEnd.Count;
                _isEnd.Add(false);
                _children.Add(key, next);
            }

            node = next;
        }

        _isEnd[node] = true;
    }

    private static long Key(int node, int codePoint) => ((long)node << 32) | (uint)codePoint;
}
