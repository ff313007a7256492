using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Models;

/// <summary>The module tree names its tensors exactly as a Hugging Face NT checkpoint does.</summary>
public sealed class StateDictKeysTests
{
    public StateDictKeysTests() => TorchRuntime.EnsureApplied();

    [Theory]
    [InlineData("v1-tiny")]
    [InlineData("v2-tiny")]
    public void Module_keys_and_shapes_equal_the_reference_checkpoint_minus_the_heads(string fixture)
    {
        var directory = ReferenceFixture.PathOf(fixture);
        using var checkpoint = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
        var expected = checkpoint.Tensors
            .Where(t => !t.Name.StartsWith("lm_head.", StringComparison.Ordinal) && !t.Name.StartsWith("esm.contact_head.", StringComparison.Ordinal))
            .ToDictionary(t => t.Name, t => t.GetShapeArray());

        using var model = new EsmEncoderModel(EsmConfig.FromHuggingFaceFile(directory));
        var actual = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected)
        {
            Assert.Equal(shape, actual[name]);
        }

        // The heads the checkpoint carries and an embedding extractor does not build.
        Assert.Contains(checkpoint.Tensors, t => t.Name == "lm_head.decoder.weight");
        Assert.Contains(checkpoint.Tensors, t => t.Name == "esm.contact_head.regression.weight");
    }

    [Fact]
    public void A_checkpoint_with_a_wrong_tensor_is_refused_with_every_problem_named()
    {
        var directory = Directory.CreateTempSubdirectory("nt-mismatch-").FullName;
        try
        {
            // The v2 fixture's weights, read as a v1 model: GELU FFN shapes differ, biases and inv_freq do not fit.
            File.Copy(Path.Combine(ReferenceFixture.PathOf("v2-tiny"), "model.safetensors"), Path.Combine(directory, "model.safetensors"));
            var v1Shaped = EsmConfig.FromHuggingFaceFile(ReferenceFixture.PathOf("v2-tiny")) with
            {
                PositionEmbeddingType = PositionEmbeddingType.Absolute,
                AddBiasFnn = true,
                MaxPositionEmbeddings = 2050,
            };
            using var model = new EsmEncoderModel(v1Shaped);
            var error = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(model, directory));
            Assert.Contains("esm.encoder.layer.0.intermediate.dense.bias", error.MissingKeys);
            Assert.Contains("esm.encoder.layer.0.attention.self.rotary_embeddings.inv_freq", error.UnexpectedKeys);
            Assert.Contains(error.MismatchedShapes, m => m.Key == "esm.encoder.layer.0.intermediate.dense.weight");
            Assert.Contains(directory, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
