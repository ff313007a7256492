using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Adapters;
using TorchSharp.Modules;

namespace Connectomics.Lora.Tests.Peft;

/// <summary>
/// Adapters written the way PEFT writes them (by the independent reference tools/fixtures/peft_reference.py, for the
/// tiny checkpoints of tests/fixtures/nt) load by their PEFT names and give the reference's embeddings: with
/// <c>esm.</c>-prefixed keys, bare-encoder keys, the adapter name kept in the keys, rsLoRA with a regular-expression
/// target, layers_to_transform, NT v1 and v2.
/// </summary>
public sealed class PeftWrittenAdapterTests
{
    public static TheoryData<string> Variants => LoraCaseFile.Variants;

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_peft_adapter_reproduces_the_reference_embeddings_unmerged_merged_and_unloaded(string variant)
    {
        var fixture = LoraCaseFile.Load(variant);
        using var model = NucleotideTransformerModel.FromPretrained(fixture.BaseDirectory);
        var ids = fixture.Cases.Select(c => c.InputIds).ToList();

        // The same ids as the reference, so that what is compared below is the adapter alone.
        var tokenizer = new NucleotideTokenizer(model.Vocabulary);
        foreach (var c in fixture.Cases)
        {
            Assert.Equal(c.InputIds, tokenizer.EncodeToIds(c.Sequence).Select(i => (long)i));
        }

        var baseline = EncodedReads.Compute(model, ids);
        using var adapter = LoraAdapter.Load(model, fixture.Directory);
        Assert.Equal(fixture.WrappedModules.Select(InModel).Order(StringComparer.Ordinal), adapter.TargetedModules.Order(StringComparer.Ordinal));

        var unmerged = EncodedReads.Compute(model, ids);
        AssertReference(fixture, unmerged, "unmerged");
        Assert.True(baseline.MaxAbsDifference(unmerged) > 100 * fixture.Tolerance, "the adapter changes the embeddings");

        adapter.Merge();
        var merged = EncodedReads.Compute(model, ids);
        AssertReference(fixture, merged, "merged");
        AssertPooledClose(unmerged, merged, 1e-5, "merged vs unmerged");

        adapter.Unmerge();
        AssertPooledClose(unmerged, EncodedReads.Compute(model, ids), 1e-5, "unmerged again");

        var targeted = adapter.TargetedModules.ToList();
        adapter.MergeAndUnload();
        Assert.All(targeted, name => Assert.IsType<Linear>(model.GetModule(name)));
        AssertReference(fixture, EncodedReads.Compute(model, ids), "merged and unloaded");
    }

    [Fact]
    public void The_fixtures_hold_the_key_spellings_that_peft_and_other_writers_produce()
    {
        Assert.Contains("base_model.model.esm.encoder.layer.0.attention.self.query.lora_A.weight", LoraCaseFile.Load("v2-query-value").SavedKeys);
        Assert.Contains("base_model.model.encoder.layer.1.intermediate.dense.lora_B.weight", LoraCaseFile.Load("v2-bare-keys").SavedKeys);
        Assert.Contains("base_model.model.esm.encoder.layer.1.attention.self.value.lora_B.default.weight", LoraCaseFile.Load("v2-adapter-name-kept").SavedKeys);
        Assert.DoesNotContain(LoraCaseFile.Load("v2-bare-keys").SavedKeys, k => k.Contains(".layer.0.", StringComparison.Ordinal));
    }

    /// <summary>A module name of the model PEFT wrapped, as our model spells it: an adapter made on the bare encoder
    /// names modules from <c>encoder.</c>, ours from <c>esm.encoder.</c>.</summary>
    private static string InModel(string name) =>
        name.StartsWith("esm.", StringComparison.Ordinal) || name.StartsWith("lm_head.", StringComparison.Ordinal) ? name : "esm." + name;

    private static void AssertReference(LoraCaseFile fixture, EncodedReads actual, string what)
    {
        for (var row = 0; row < fixture.Cases.Count; row++)
        {
            var expected = fixture.Cases[row];
            AssertWithin(expected.Mean, actual.Mean[row], fixture.Tolerance, $"{what}: {expected.Id} mean");
            AssertWithin(expected.Cls, actual.Cls[row], fixture.Tolerance, $"{what}: {expected.Id} cls");
            if (expected.Hidden is { } hidden)
            {
                Assert.Equal(hidden.Length, actual.Hidden[row].Length);
                for (var t = 0; t < hidden.Length; t++)
                {
                    AssertWithin(hidden[t], actual.Hidden[row][t], fixture.Tolerance, $"{what}: {expected.Id} token {t}");
                }
            }
        }
    }

    private static void AssertPooledClose(EncodedReads expected, EncodedReads actual, double tolerance, string what)
    {
        for (var row = 0; row < expected.Mean.Length; row++)
        {
            AssertWithin(expected.Mean[row], actual.Mean[row], tolerance, $"{what}: row {row} mean");
            AssertWithin(expected.Cls[row], actual.Cls[row], tolerance, $"{what}: row {row} cls");
        }
    }

    internal static void AssertWithin(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        var difference = EncodedReads.MaxAbsDifference(expected, actual);
        Assert.True(difference <= tolerance, $"{what}: differs by {difference:G3} (tolerance {tolerance:G3})");
    }
}
