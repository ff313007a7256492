using System.Text.Json;
using Connectomics.Lora.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Connectomics.Lora.Tests.Optimization;

public sealed class GradientClippingTests
{
    public GradientClippingTests() => TorchForTests.Ensure();

    [Fact]
    public void The_pre_clip_norm_and_the_clipped_gradients_match_pytorch()
    {
        var fixture = OptimFixture.Load("clip.json");
        var tolerance = fixture.GetProperty("tolerance").GetDouble();
        var cases = 0;
        foreach (var testCase in fixture.GetProperty("cases").EnumerateArray())
        {
            var parameters = CreateParameters(fixture);
            var maxNorm = testCase.GetProperty("max_norm").GetDouble();

            var norm = GradientClipping.ClipGlobalNorm(parameters.Select(p => p.Parameter), maxNorm);

            var expectedNorm = testCase.GetProperty("total_norm").GetDouble();
            Assert.True(Math.Abs(norm - expectedNorm) <= tolerance, $"max norm {maxNorm}: total norm {norm} vs {expectedNorm}");
            foreach (var (name, parameter) in parameters)
            {
                var expected = testCase.GetProperty("grads_after").GetProperty(name);
                if (expected.ValueKind == JsonValueKind.Null)
                {
                    Assert.Null(parameter.grad);
                    continue;
                }

                var actual = parameter.grad!.data<float>().ToArray();
                var values = OptimFixture.Floats(expected);
                Assert.All(values.Zip(actual), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= tolerance, $"{name}: {pair.Second} vs {pair.First}"));
            }

            foreach (var (_, parameter) in parameters)
            {
                parameter.Dispose();
            }

            cases++;
        }

        Assert.Equal(2, cases);
    }

    [Fact]
    public void A_clipped_set_of_gradients_has_the_bound_as_its_norm()
    {
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(1));
        a.grad = torch.tensor(new[] { 3f, 0f });
        b.grad = torch.tensor(new[] { 4f });

        var norm = GradientClipping.ClipGlobalNorm([a, b], 1.0);

        Assert.Equal(5.0, norm, 6);
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 5);
        Assert.Equal(0.8f, b.grad!.data<float>()[0], 5);
    }

    [Fact]
    public void The_norm_is_the_one_linalg_vector_norm_computes_bit_for_bit()
    {
        // Gradients of several shapes, one not contiguous, with values over a wide range.
        using var generator = new torch.Generator(42);
        var shapes = new long[][] { [7, 13], [5], [3, 4, 6], [64, 33] };
        var parameters = shapes.Select(shape => new Parameter(torch.zeros(shape))).ToList();
        for (var i = 0; i < parameters.Count; i++)
        {
            var values = torch.randn(shapes[i], generator: generator) * torch.exp(torch.randn(shapes[i], generator: generator) * 4);
            parameters[i].grad = i == 3 ? values.t().contiguous().t() : values;
        }

        var norms = parameters.Select(p => torch.linalg.vector_norm(p.grad!, 2)).ToArray();
        var expected = torch.linalg.vector_norm(torch.stack(norms), 2).to(torch.ScalarType.Float64).item<double>();

        var norm = GradientClipping.ClipGlobalNorm(parameters, maxNorm: 1e9);

        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(norm));
        Assert.False(parameters[3].grad!.is_contiguous());
        foreach (var parameter in parameters)
        {
            parameter.Dispose();
        }
    }

    [Fact]
    public void Without_gradients_the_norm_is_zero_and_the_bound_must_be_positive()
    {
        using var a = new Parameter(torch.zeros(2));
        Assert.Equal(0.0, GradientClipping.ClipGlobalNorm([a], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm([a], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm([a], double.NaN));
    }

    private static List<(string Name, Parameter Parameter)> CreateParameters(JsonElement fixture)
    {
        var list = new List<(string Name, Parameter Parameter)>();
        foreach (var shape in fixture.GetProperty("shapes").EnumerateObject())
        {
            var dims = OptimFixture.Longs(shape.Value);
            var parameter = new Parameter(torch.zeros(dims));
            var grad = fixture.GetProperty("grads").GetProperty(shape.Name);
            if (grad.ValueKind != JsonValueKind.Null)
            {
                parameter.grad = torch.tensor(OptimFixture.Floats(grad)).reshape(dims);
            }

            list.Add((shape.Name, parameter));
        }

        return list;
    }
}
