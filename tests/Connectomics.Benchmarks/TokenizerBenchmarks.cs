using BenchmarkDotNet.Attributes;
using Connectomics.Gpu.Tokenization;

namespace Connectomics.Benchmarks;

/// <summary>Tokenizer throughput on 1 kb reads: the arithmetic 6-mer path and the general trie path.</summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private readonly NucleotideTokenizer _tokenizer = new(NucleotideVocabulary.V2);
    private readonly int[] _buffer = new int[1024];
    private string _read = string.Empty;

    [GlobalSetup]
    public void Setup() => _read = SyntheticReads.Create(1, 1000, 1000)[0].Sequence;

    [Benchmark(Baseline = true, Description = "EncodeToIds (span, no allocation)")]
    public int EncodeIntoSpan() => _tokenizer.EncodeToIds(_read, _buffer);

    [Benchmark(Description = "CountTokens")]
    public int Count() => _tokenizer.CountTokens(_read);

    [Benchmark(Description = "general trie matcher")]
    public int Trie() => _tokenizer.EncodeWithTrie(_read).Length;
}
