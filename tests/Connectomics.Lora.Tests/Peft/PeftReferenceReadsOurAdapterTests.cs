using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Peft;

/// <summary>
/// An adapter trained here and written by <see cref="LoraAdapter.Save"/> is read by the independent PEFT reference
/// (tools/fixtures/peft_reference.py, run under Debian's PyTorch) by PEFT's names, configuration keys and semantics,
/// and gives our embeddings, unmerged and merged.
/// </summary>
public sealed class PeftReferenceReadsOurAdapterTests
{
    private static readonly string BaseDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "nt", "v2-tiny");

    public static TheoryData<string> Setups => new(["query-value", "rslora-key-dense-layer-0", "regex", "rank-and-alpha-patterns"]);

    private static LoraOptions Options(string setup) => setup switch
    {
        "query-value" => new LoraOptions { Rank = 4, Alpha = 8 },

        // "dense" also names lm_head.dense, which has no layer number and so stays out, as in PEFT.
        "rslora-key-dense-layer-0" => new LoraOptions { Rank = 4, Alpha = 16, UseRsLora = true, TargetModules = ["key", "dense"], LayersToTransform = [0] },
        "regex" => new LoraOptions { Rank = 2, Alpha = 4, TargetModulesRegex = @"esm\.encoder\.layer\.1\.(attention\.self\.value|output\.dense)" },
        "rank-and-alpha-patterns" => new LoraOptions
        {
            Rank = 4,
            Alpha = 8,
            TargetModules = ["query", "key", "value"],
            RankPattern = new Dictionary<string, int> { ["value"] = 2 },
            AlphaPattern = new Dictionary<string, double> { ["self.key"] = 2 },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(setup)),
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task The_reference_loads_our_saved_adapter_and_reproduces_our_embeddings(string setup)
    {
        using var work = new TempDirectory("connectomics-peft");
        var fasta = Path.Combine(LoraCaseFile.Root, "reads.fasta");
        using var model = NucleotideTransformerModel.FromPretrained(BaseDirectory);
        var tokenizer = new NucleotideTokenizer(model.Vocabulary);
        var ids = ReadSequences(fasta).Select(s => tokenizer.EncodeToIds(s).Select(i => (long)i).ToArray()).ToList();
        var baseline = EncodedReads.Compute(model, ids);

        using var adapter = LoraAdapter.Inject(model, Options(setup), seed: 11);
        TrainAFewSteps(model, adapter);
        Assert.All(
            adapter.TrainableParameters().Where(p => p.Name.EndsWith(".lora_B.weight", StringComparison.Ordinal)),
            p => Assert.True(p.Parameter.abs().max().item<float>() > 1e-3, $"{p.Name} stayed zero"));
        var directory = Path.Combine(work.Path, "adapter");
        adapter.Save(directory);

        var reference = await PeftReferenceScript.EmbedAsync(BaseDirectory, directory, fasta, work.Path);
        Assert.Equal(adapter.TargetedModules.Order(StringComparer.Ordinal), reference.WrappedModules.Order(StringComparer.Ordinal));
        for (var row = 0; row < ids.Count; row++)
        {
            Assert.Equal(ids[row], reference.Reads[row].InputIds);
        }

        var ours = EncodedReads.Compute(model, ids);
        Assert.True(baseline.MaxAbsDifference(ours) > 1e-2, "the trained adapter changes the embeddings");
        AssertReference(reference, ours, "unmerged");

        adapter.Merge();
        AssertReference(reference, EncodedReads.Compute(model, ids), "merged");
    }

    /// <summary>Three signed-gradient steps on a fixed random projection of the hidden states: every LoRA weight with a
    /// gradient moves by a fixed amount, so B leaves zero after the first step and A after the second.</summary>
    private static void TrainAFewSteps(NucleotideTransformerModel model, LoraAdapter adapter)
    {
        var parameters = adapter.TrainableParameters().Select(p => p.Parameter).ToList();
        using var ids = torch.tensor(new long[] { 3, 10, 200, 3000, 45, 7, 3, 99, 1500, 1, 1, 1 }, [2, 6]);
        using var mask = ids.ne(1).to(ScalarType.Int64);
        using var generator = new Generator(seed: 5);
        using var target = torch.randn([2, 6, model.Config.HiddenSize], generator: generator);
        for (var step = 0; step < 3; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = (model.Encode(ids, mask) * target).sum();
            loss.backward();
            using (torch.no_grad())
            {
                foreach (var parameter in parameters)
                {
                    if (parameter.grad is { } grad)
                    {
                        parameter.sub_(grad.sign() * 0.02);
                        grad.zero_();
                    }
                }
            }
        }
    }

    private static void AssertReference(ReferenceEmbeddings reference, EncodedReads ours, string what)
    {
        for (var row = 0; row < reference.Reads.Count; row++)
        {
            var read = reference.Reads[row];
            PeftWrittenAdapterTests.AssertWithin(read.Mean, ours.Mean[row], 1e-4, $"{what}: {read.Id} mean");
            PeftWrittenAdapterTests.AssertWithin(read.Cls, ours.Cls[row], 1e-4, $"{what}: {read.Id} cls");
            Assert.Equal(read.Hidden.Length, ours.Hidden[row].Length);
            for (var t = 0; t < read.Hidden.Length; t++)
            {
                PeftWrittenAdapterTests.AssertWithin(read.Hidden[t], ours.Hidden[row][t], 1e-4, $"{what}: {read.Id} token {t}");
            }
        }
    }

    private static List<string> ReadSequences(string fasta) =>
        [.. File.ReadAllLines(fasta).Where(l => l.Length > 0 && l[0] != '>')];
}
