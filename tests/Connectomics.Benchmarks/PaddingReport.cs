using System.Globalization;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Tokenization;

namespace Connectomics.Benchmarks;

/// <summary>
/// Prints the share of padded token slots the batcher produces on reads of mixed length, for several token
/// budgets and group sizes. Usage: <c>padding [--reads 4096] [--min 150] [--max 1500]</c>.
/// </summary>
internal static class PaddingReport
{
    public static int Run(string[] args)
    {
        int reads = 4096, min = 150, max = 1500;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reads": reads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--min": min = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--max": max = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.V2);
        var lengths = SyntheticReads.Create(reads, min, max).Select(r => tokenizer.CountTokens(r.Sequence)).ToArray();
        Console.WriteLine("group\tbudget\tbatches\tpadding");
        foreach (var group in new[] { 256, 1024, reads })
        {
            foreach (var budget in new[] { 4096, 8192, 16384, 65536 })
            {
                var batches = new List<int[]>();
                for (var start = 0; start < lengths.Length; start += group)
                {
                    var slice = lengths.Skip(start).Take(group).ToArray();
                    batches.AddRange(TokenBudgetBatcher.Plan(slice, budget, 256).Select(b => b.Select(i => i + start).ToArray()));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{group}\t{budget}\t{batches.Count}\t{TokenBudgetBatcher.PaddingRatio(lengths, batches):P2}"));
            }
        }

        return 0;
    }
}
