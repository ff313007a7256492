using System.Text.Json;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Pretraining;

public sealed class MaskedLanguageModelLossTests
{
    [Theory]
    [InlineData("v2-tiny", false)]
    [InlineData("v1-tiny", false)]
    [InlineData("v2-tiny", true)]
    [InlineData("v1-tiny", true)]
    public void Logits_loss_and_gradients_match_the_PyTorch_reference(string name, bool checkpointing)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "mlm", $"{name}.json")));
        var root = fixture.RootElement;
        using var model = NucleotideTransformerModel.FromPretrained(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "nt", name));
        Assert.True(model.HasLanguageModelHead);
        Assert.Equal(root.GetProperty("token_dropout").GetBoolean(), model.Config.TokenDropout);
        model.SetTrainingMode(true);
        model.GradientCheckpointing = checkpointing;

        using var scope = torch.NewDisposeScope();
        var ids = Matrix(root.GetProperty("input_ids"));
        var mask = Matrix(root.GetProperty("attention_mask"));
        var labels = Matrix(root.GetProperty("labels"));
        var logits = model.PredictTokens(model.Encode(ids, mask));
        var loss = MaskedLanguageModelLoss.Compute(logits, labels);

        // Logits: the label's logit and the log-sum-exp at every labelled position, a few raw rows, two checksums.
        var labelled = root.GetProperty("labelled_positions").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetInt64())).ToList();
        var expectedLabelLogits = Floats(root.GetProperty("label_logits"));
        var expectedLogSumExp = Floats(root.GetProperty("label_logsumexp"));
        var logSumExp = logits.logsumexp(-1);
        for (var i = 0; i < labelled.Count; i++)
        {
            var (b, s) = labelled[i];
            var label = labels[b, s].item<long>();
            AssertClose(expectedLabelLogits[i], logits[b, s, label].item<float>(), 1e-4, $"logit of the label at ({b}, {s})");
            AssertClose(expectedLogSumExp[i], logSumExp[b, s].item<float>(), 1e-4, $"log-sum-exp at ({b}, {s})");
        }

        var probes = root.GetProperty("probe_positions").EnumerateArray().ToList();
        var probeLogits = root.GetProperty("probe_logits").EnumerateArray().ToList();
        for (var p = 0; p < probes.Count; p++)
        {
            var (b, s) = (probes[p][0].GetInt64(), probes[p][1].GetInt64());
            var actual = logits[b, s, ..16].data<float>().ToArray();
            var expected = Floats(probeLogits[p]);
            for (var v = 0; v < expected.Length; v++)
            {
                AssertClose(expected[v], actual[v], 1e-4, $"logit {v} at ({b}, {s})");
            }
        }

        var real = logits[mask.to(ScalarType.Bool)].to(ScalarType.Float64);
        AssertRelative(root.GetProperty("real_token_logit_sum").GetDouble(), real.sum().item<double>(), 1e-5, "sum of the logits of real tokens");
        AssertRelative(root.GetProperty("real_token_logit_abs_sum").GetDouble(), real.abs().sum().item<double>(), 1e-6, "sum of absolute logits");

        AssertClose(root.GetProperty("loss").GetDouble(), loss.item<float>(), 1e-4, "loss");

        // Gradients after backward: the norm within 1e-3 relative, the first entries within 1e-3 of the norm.
        loss.backward();
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var entry in root.GetProperty("gradients").EnumerateObject())
        {
            var grad = parameters[entry.Name].grad ?? throw new InvalidOperationException($"{entry.Name} got no gradient");
            var expectedNorm = entry.Value.GetProperty("norm").GetDouble();
            AssertRelative(expectedNorm, grad.to(ScalarType.Float64).norm().item<double>(), 1e-3, $"gradient norm of {entry.Name}");
            var first = grad.reshape(-1)[..8].data<float>().ToArray();
            var expectedFirst = Floats(entry.Value.GetProperty("first"));
            for (var i = 0; i < expectedFirst.Length; i++)
            {
                AssertClose(expectedFirst[i], first[i], 1e-3 * expectedNorm, $"gradient entry {i} of {entry.Name}");
            }
        }
    }

    [Fact]
    public void The_loss_on_a_masked_batch_runs_the_head_on_the_labelled_positions_only_and_equals_the_loss_over_all_logits()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 4, withLanguageModelHead: true);
        using var sampler = new MaskedTokenSampler(model.Vocabulary, new MaskedTokenSamplerOptions { SelectionProbability = 0.4 }, seed: 2);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(17);
        var ids = torch.randint(6, 4102, [3, 24], ScalarType.Int64, generator: generator);
        ids[.., 0] = torch.tensor(3L);
        ids[1, 18..] = torch.tensor(1L);
        var mask = ids.ne(1).to(ScalarType.Int64);
        using var batch = sampler.Mask(ids, mask);
        Assert.True(batch.SelectedTokens > 0);

        var direct = MaskedLanguageModelLoss.Compute(model, batch).item<float>();
        var full = MaskedLanguageModelLoss.Compute(model.PredictTokens(model.Encode(batch.InputIds, batch.AttentionMask)), batch.Labels).item<float>();
        Assert.Equal(full, direct, 1e-5f);
    }

    [Fact]
    public void The_loss_is_the_mean_cross_entropy_over_labelled_positions_computed_by_hand()
    {
        using var scope = torch.NewDisposeScope();
        float[] values = [1.0f, 2.0f, 0.5f, -1.0f, 0.0f, 3.0f, 1.0f, 1.0f, -2.0f, 0.25f, 4.0f, 1.5f];
        var logits = torch.tensor(values).reshape(1, 3, 4).requires_grad_(true);
        var labels = torch.tensor(new long[] { -100, 1, 3 }).reshape(1, 3);
        var loss = MaskedLanguageModelLoss.Compute(logits, labels);

        // Position 1: logits (0, 3, 1, 1), label 1; position 2: (-2, 0.25, 4, 1.5), label 3.
        static double Nll(double[] row, int label) => Math.Log(row.Sum(Math.Exp)) - row[label];
        var expected = (Nll([0, 3, 1, 1], 1) + Nll([-2, 0.25, 4, 1.5], 3)) / 2;
        Assert.Equal(expected, loss.item<float>(), 1e-6);

        // Unlabelled positions get no gradient.
        loss.backward();
        Assert.Equal(new float[4], logits.grad![0, 0].data<float>().ToArray());

        // Nothing labelled: 0, not NaN.
        var none = MaskedLanguageModelLoss.Compute(logits, torch.full([1, 3], -100L));
        Assert.Equal(0f, none.item<float>());
        Assert.Throws<ArgumentException>(() => MaskedLanguageModelLoss.Compute(logits, torch.zeros([1, 4], ScalarType.Int64)));
    }

    private static Tensor Matrix(JsonElement rows)
    {
        var data = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var flat = data.SelectMany(r => r).ToArray();
        return torch.tensor(flat, data.Length, data[0].Length);
    }

    private static double[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance:E1})");

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R} (relative tolerance {tolerance:E1})");
}
