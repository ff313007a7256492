using Connectomics.Lora.Adapters;
using Connectomics.Lora.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Adapters;

[Collection(GlobalGeneratorCollection.Name)]
public sealed class MixedPrecisionTrainingTests
{
    [Fact]
    public void Adapters_train_through_bfloat16_projections_like_through_float32_ones()
    {
        var float32 = Train(ScalarType.Float32);
        var bfloat16 = Train(ScalarType.BFloat16);

        // Both runs fit the target; the bfloat16 losses follow the float32 ones within bfloat16's rounding (about
        // 3 significant digits per product), and the first loss, before any update, agrees closely.
        Assert.True(float32[^1] < float32[0] / 4, $"float32: {float32[0]} → {float32[^1]}");
        Assert.True(bfloat16[^1] < bfloat16[0] / 4, $"bfloat16: {bfloat16[0]} → {bfloat16[^1]}");
        Assert.InRange(Math.Abs(bfloat16[0] - float32[0]) / float32[0], 0, 0.02);
        Assert.NotEqual(float32[0], bfloat16[0]);
    }

    private static List<double> Train(ScalarType computeType)
    {
        using var model = SmallEncoders.Create(seed: 21);
        model.ComputeType = computeType;
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 4, Alpha = 8 }, seed: 3);
        var optimizer = new AdamW(adapter.TrainableParameters(), new AdamWOptions { LearningRate = 1e-2, WeightDecay = 0 });
        var (ids, mask) = SmallEncoders.Batch();
        using (ids)
        using (mask)
        using (var target = torch.linspace(-1, 1, 32).repeat(2, 1))
        {
            var losses = new List<double>();
            model.SetTrainingMode(true);
            for (var step = 0; step < 40; step++)
            {
                using var scope = torch.NewDisposeScope();
                var hidden = model.Encode(ids, mask);
                Assert.Equal(ScalarType.Float32, hidden.dtype);
                var loss = nn.functional.mse_loss(hidden[.., 0], target);
                losses.Add(loss.item<float>());
                loss.backward();
                optimizer.Step();
                optimizer.ZeroGrad();
            }

            Assert.All(adapter.TrainableParameters(), p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
            return losses;
        }
    }
}
