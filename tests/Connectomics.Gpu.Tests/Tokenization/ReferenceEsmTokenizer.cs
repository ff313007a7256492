namespace Connectomics.Gpu.Tests.Tokenization;

/// <summary>
/// A deliberately plain, slow statement of the Hugging Face <c>EsmTokenizer</c> rules, written separately from the
/// library's matcher so that the two can be compared: pieces found by the trie-splitting rule, each piece split on
/// whitespace, each chunk looked up (unknown chunks give &lt;unk&gt;), &lt;cls&gt; in front.
/// </summary>
internal sealed class ReferenceEsmTokenizer
{
    private readonly Node _root = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public ReferenceEsmTokenizer(IReadOnlyList<string> tokens)
    {
        for (var id = 0; id < tokens.Count; id++)
        {
            _ids[tokens[id]] = id;
            var node = _root;
            foreach (var symbol in Symbols(tokens[id]))
            {
                if (!node.Next.TryGetValue(symbol, out var child))
                {
                    child = new Node();
                    node.Next[symbol] = child;
                }

                node = child;
            }

            node.Complete = true;
        }
    }

    public int[] Encode(string text)
    {
        var result = new List<int> { _ids["<cls>"] };
        foreach (var piece in Pieces(text))
        {
            foreach (var chunk in piece.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                // string.Split(null) uses .NET white space; the Python separators U+001C..U+001F are added here.
                foreach (var part in chunk.Split(['\u001C', '\u001D', '\u001E', '\u001F'], StringSplitOptions.RemoveEmptyEntries))
                {
                    result.Add(_ids.TryGetValue(part, out var id) ? id : _ids["<unk>"]);
                }
            }
        }

        return [.. result];
    }

    /// <summary>The pieces the trie-splitting rule cuts the text into.</summary>
    public List<string> Pieces(string text)
    {
        var symbols = Symbols(text);
        var bounds = new List<int> { 0 };
        var open = new List<Partial>();
        var blockedBefore = 0;

        for (var at = 0; at < symbols.Count; at++)
        {
            if (at < blockedBefore)
            {
                continue;
            }

            var done = open.FindIndex(p => p.Node.Complete);
            if (done >= 0)
            {
                // Nodes of partials before the completed one are advanced by this symbol first (when they can be).
                for (var i = 0; i < done; i++)
                {
                    if (open[i].Node.Next.TryGetValue(symbols[at], out var advanced))
                    {
                        open[i] = open[i] with { Node = advanced };
                    }
                }

                var (from, to) = Choose(symbols, at, open, done);
                bounds.Add(from);
                bounds.Add(to);
                blockedBefore = to;
                open.Clear();
            }
            else
            {
                var survivors = new List<Partial>();
                foreach (var p in open)
                {
                    if (p.Node.Next.TryGetValue(symbols[at], out var advanced))
                    {
                        survivors.Add(p with { Node = advanced });
                    }
                }

                open = survivors;
            }

            if (at >= blockedBefore && _root.Next.TryGetValue(symbols[at], out var first))
            {
                open.Add(new Partial(at, first));
            }
        }

        var finished = open.FirstOrDefault(p => p.Node.Complete);
        if (finished is not null)
        {
            bounds.Add(finished.Start);
            bounds.Add(symbols.Count);
        }

        bounds.Add(symbols.Count);
        var pieces = new List<string>();
        var last = 0;
        foreach (var b in bounds)
        {
            if (b > last)
            {
                pieces.Add(string.Concat(symbols.Skip(last).Take(b - last)));
                last = b;
            }
        }

        return pieces;
    }

    private static (int From, int To) Choose(List<string> symbols, int at, List<Partial> open, int done)
    {
        for (var i = 0; i <= done; i++)
        {
            // Earlier partials look on from the next symbol; the completed one from the current symbol.
            var node = open[i].Node;
            var index = i < done ? at + 1 : at;
            var best = node.Complete ? index : -1;
            while (index < symbols.Count && node.Next.TryGetValue(symbols[index], out var next))
            {
                node = next;
                index++;
                if (node.Complete)
                {
                    best = index;
                }
            }

            if (best >= 0)
            {
                return (open[i].Start, best);
            }
        }

        throw new InvalidOperationException("A completed partial always yields a match.");
    }

    /// <summary>Cuts text into Python-string symbols: surrogate pairs together, everything else alone.</summary>
    private static List<string> Symbols(string text)
    {
        var symbols = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                symbols.Add(text.Substring(i, 2));
                i++;
            }
            else
            {
                symbols.Add(text[i].ToString());
            }
        }

        return symbols;
    }

    private sealed record Partial(int Start, Node Node);

    private sealed class Node
    {
        public Dictionary<string, Node> Next { get; } = new(StringComparer.Ordinal);

        public bool Complete { get; set; }
    }
}
