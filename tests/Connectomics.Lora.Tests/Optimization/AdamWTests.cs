using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Connectomics.Gpu.Weights;
using Connectomics.Lora.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using AdamW = Connectomics.Lora.Optimization.AdamW;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Optimization;

public sealed class AdamWTests
{
    public AdamWTests() => TorchForTests.Ensure();

    private static readonly JsonElement Fixture = OptimFixture.Load("adamw.json");

    [Fact]
    public void Every_step_matches_pytorch_adamw_with_two_decay_groups_and_missing_gradients()
    {
        var parameters = CreateParameters();
        using var optimizer = CreateOptimizer(parameters);
        var tolerance = Fixture.GetProperty("tolerance").GetDouble();

        var stepIndex = 0;
        foreach (var step in Fixture.GetProperty("steps").EnumerateArray())
        {
            SetGradients(parameters, step.GetProperty("grads"));
            optimizer.Step(step.GetProperty("learning_rate").GetDouble());
            stepIndex++;
            foreach (var (name, parameter) in parameters)
            {
                var expected = OptimFixture.Floats(step.GetProperty("params_after").GetProperty(name));
                var actual = parameter.data<float>().ToArray();
                Assert.True(MaxAbsDifference(expected, actual) <= tolerance, $"'{name}' after step {stepIndex}: max |Δ| = {MaxAbsDifference(expected, actual)}");
            }
        }

        Assert.Equal(6, optimizer.Steps);
        DisposeAll(parameters);
    }

    [Fact]
    public void The_saved_state_holds_pytorch_moments_and_per_parameter_step_counts()
    {
        var parameters = CreateParameters();
        using var optimizer = CreateOptimizer(parameters);
        RunSteps(optimizer, parameters, 0, 6);
        using var directory = new TempDirectory("connectomics-adamw");
        var path = directory.File("optimizer.safetensors");

        optimizer.SaveState(path);

        using var checkpoint = SafetensorsCheckpoint.Open(path);
        Assert.Equal(6, ReadLong(checkpoint, "steps"));
        var tolerance = Fixture.GetProperty("tolerance").GetDouble();
        foreach (var state in Fixture.GetProperty("final_state").EnumerateObject())
        {
            Assert.Equal(state.Value.GetProperty("step").GetInt64(), ReadLong(checkpoint, state.Name + ".step"));
            foreach (var moment in new[] { "exp_avg", "exp_avg_sq" })
            {
                var info = checkpoint.GetTensor($"{state.Name}.{moment}");
                Assert.Equal(SafetensorsDType.F32, info.DType);
                var actual = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(checkpoint.GetTensorData(info.Name)).ToArray();
                var expected = OptimFixture.Floats(state.Value.GetProperty(moment));
                Assert.True(MaxAbsDifference(expected, actual) <= tolerance, $"{info.Name}: max |Δ| = {MaxAbsDifference(expected, actual)}");
            }
        }

        // Steps 1 and 6 leave out one parameter each, step 3 another: the counts differ per parameter.
        Assert.Equal(3 * 4 + 1, checkpoint.Count);
        DisposeAll(parameters);
    }

    [Fact]
    public void Saving_mid_run_and_loading_into_a_fresh_optimizer_continues_bit_identically()
    {
        using var directory = new TempDirectory("connectomics-adamw");
        var straight = CreateParameters();
        using (var optimizer = CreateOptimizer(straight))
        {
            RunSteps(optimizer, straight, 0, 6);
            optimizer.SaveState(directory.File("straight.safetensors"));
        }

        var first = CreateParameters();
        using (var optimizer = CreateOptimizer(first))
        {
            RunSteps(optimizer, first, 0, 3);
            optimizer.SaveState(directory.File("mid.safetensors"));
        }

        // A new process would rebuild the parameters from their checkpoint: copy them into fresh tensors.
        var resumed = CreateParameters();
        using (torch.no_grad())
        {
            for (var i = 0; i < resumed.Count; i++)
            {
                resumed[i].Parameter.copy_(first[i].Parameter);
            }
        }

        using (var optimizer = CreateOptimizer(resumed))
        {
            optimizer.LoadState(directory.File("mid.safetensors"));
            Assert.Equal(3, optimizer.Steps);
            RunSteps(optimizer, resumed, 3, 6);
            Assert.Equal(6, optimizer.Steps);
            optimizer.SaveState(directory.File("resumed.safetensors"));
        }

        for (var i = 0; i < straight.Count; i++)
        {
            Assert.Equal(straight[i].Parameter.data<float>().ToArray(), resumed[i].Parameter.data<float>().ToArray());
        }

        Assert.Equal(File.ReadAllBytes(directory.File("straight.safetensors")), File.ReadAllBytes(directory.File("resumed.safetensors")));
        DisposeAll(straight);
        DisposeAll(first);
        DisposeAll(resumed);
    }

    [Fact]
    public void A_state_for_other_parameters_is_refused_by_name_and_nothing_changes()
    {
        using var directory = new TempDirectory("connectomics-adamw");
        var parameters = CreateParameters();
        using var optimizer = CreateOptimizer(parameters);
        RunSteps(optimizer, parameters, 0, 2);
        optimizer.SaveState(directory.File("before.safetensors"));

        var otherPath = directory.File("other.safetensors");
        using (var renamed = new Parameter(torch.zeros(3, 4)))
        using (var reshaped = new Parameter(torch.zeros(5)))
        using (var extra = new Parameter(torch.zeros(2)))
        using (var other = new AdamW(
            [new ParameterGroup([("encoder.layer.0.attention.self.query.lora_A.weight", renamed), ("head.dense.bias", reshaped), ("head.extra", extra)], 0)],
            new AdamWOptions()))
        {
            other.SaveState(otherPath);
        }

        var error = Assert.Throws<StateDictMismatchException>(() => optimizer.LoadState(otherPath));
        Assert.Contains(otherPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.layer.0.attention.self.query.lora_B.weight.exp_avg", error.MissingKeys);
        Assert.Contains("head.LayerNorm.weight.step", error.MissingKeys);
        Assert.Contains("head.extra.exp_avg_sq", error.UnexpectedKeys);
        Assert.Contains(error.MismatchedShapes, m => m.ToString().Contains("head.dense.bias.exp_avg", StringComparison.Ordinal));
        Assert.Contains("head.dense.bias.exp_avg", error.Message, StringComparison.Ordinal);

        Assert.Equal(2, optimizer.Steps);
        optimizer.SaveState(directory.File("after.safetensors"));
        Assert.Equal(File.ReadAllBytes(directory.File("before.safetensors")), File.ReadAllBytes(directory.File("after.safetensors")));
        DisposeAll(parameters);
    }

    [Fact]
    public void A_save_that_cannot_be_published_throws_and_leaves_the_directory_as_it_was()
    {
        using var directory = new TempDirectory("connectomics-adamw");
        var parameters = CreateParameters();
        using var optimizer = CreateOptimizer(parameters);
        var path = directory.File("optimizer.safetensors");
        optimizer.SaveState(path);
        var saved = File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.Combine(directory.Path, "taken.safetensors"));

        RunSteps(optimizer, parameters, 0, 1);
        Assert.ThrowsAny<Exception>(() => optimizer.SaveState(Path.Combine(directory.Path, "taken.safetensors")));

        Assert.Equal(saved, File.ReadAllBytes(path));
        Assert.Equal(["optimizer.safetensors", "taken.safetensors"], directory.Entries());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(directory.Path, "taken.safetensors")));
        DisposeAll(parameters);
    }

    [Fact]
    public void Zero_grad_clears_the_gradients_so_the_next_step_skips_every_parameter()
    {
        var parameters = CreateParameters();
        using var optimizer = CreateOptimizer(parameters);
        RunSteps(optimizer, parameters, 0, 1);
        var before = parameters.Select(p => p.Parameter.data<float>().ToArray()).ToList();

        optimizer.ZeroGrad();
        Assert.All(parameters, p => Assert.Null(p.Parameter.grad));
        optimizer.Step(1.0);

        Assert.Equal(2, optimizer.Steps);
        for (var i = 0; i < parameters.Count; i++)
        {
            Assert.Equal(before[i], parameters[i].Parameter.data<float>().ToArray());
        }

        DisposeAll(parameters);
    }

    [Fact]
    public void Gradients_from_backward_update_the_parameters_and_no_tensor_leaks()
    {
        using var weight = new Parameter(torch.ones(2, 2));
        using var optimizer = new AdamW([("w", weight)], new AdamWOptions { LearningRate = 0.1, WeightDecay = 0 });
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 3; i++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = (weight * weight).sum();
            loss.backward();
            optimizer.Step();
            optimizer.ZeroGrad();
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        // The gradient 2w keeps its sign, so Adam moves each weight by about lr per step: 1 − 3 × 0.1.
        Assert.All(weight.data<float>().ToArray(), w => Assert.Equal(0.7f, w, 0.01f));
    }

    [Fact]
    public void Options_and_arguments_are_checked_up_front()
    {
        using var weight = new Parameter(torch.ones(2));
        var error = Assert.Throws<ValidationException>(() => new AdamW([("w", weight)], new AdamWOptions { Beta1 = 1.0, Epsilon = -1, LearningRate = double.NaN }));
        Assert.Contains(nameof(AdamWOptions), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AdamWOptions.Beta1), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AdamWOptions.Epsilon), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AdamWOptions.LearningRate), error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup([("w", weight)], 0.1), new ParameterGroup([("w", weight)], 0)], new AdamWOptions()));
        Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup([("a", weight), ("b", weight)], 0.1)], new AdamWOptions()));

        using var optimizer = new AdamW([("w", weight)], new AdamWOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(double.PositiveInfinity));
        optimizer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => optimizer.Step(0.1));
    }

    private static List<(string Name, Parameter Parameter)> CreateParameters()
    {
        var list = new List<(string Name, Parameter Parameter)>();
        foreach (var p in Fixture.GetProperty("parameters").EnumerateArray())
        {
            var shape = OptimFixture.Longs(p.GetProperty("shape"));
            var values = torch.tensor(OptimFixture.Floats(p.GetProperty("initial"))).reshape(shape);
            list.Add((p.GetProperty("name").GetString()!, new Parameter(values)));
        }

        return list;
    }

    private static AdamW CreateOptimizer(List<(string Name, Parameter Parameter)> parameters)
    {
        var betas = Fixture.GetProperty("betas");
        var options = new AdamWOptions
        {
            Beta1 = betas[0].GetDouble(),
            Beta2 = betas[1].GetDouble(),
            Epsilon = Fixture.GetProperty("eps").GetDouble(),
            WeightDecay = 0.1,
        };
        var optimizer = new AdamW(parameters, options);

        // The optimizer's own split must give the fixture's groups.
        var expected = Fixture.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("weight_decay").GetDouble());
        Assert.Equal(2, optimizer.Groups.Count);
        Assert.All(optimizer.Groups, g => Assert.All(g.Parameters, p => Assert.Equal(expected[p.Name], g.WeightDecay)));
        return optimizer;
    }

    private static void RunSteps(AdamW optimizer, List<(string Name, Parameter Parameter)> parameters, int from, int to)
    {
        var steps = Fixture.GetProperty("steps").EnumerateArray().ToArray();
        for (var i = from; i < to; i++)
        {
            SetGradients(parameters, steps[i].GetProperty("grads"));
            optimizer.Step(steps[i].GetProperty("learning_rate").GetDouble());
        }
    }

    private static void SetGradients(List<(string Name, Parameter Parameter)> parameters, JsonElement grads)
    {
        foreach (var (name, parameter) in parameters)
        {
            var grad = grads.GetProperty(name);
            parameter.grad = grad.ValueKind == JsonValueKind.Null ? null : torch.tensor(OptimFixture.Floats(grad)).reshape(parameter.shape);
        }
    }

    private static long ReadLong(SafetensorsCheckpoint checkpoint, string name)
    {
        var info = checkpoint.GetTensor(name);
        Assert.Equal(SafetensorsDType.I64, info.DType);
        Assert.Empty(info.Shape);
        return BitConverter.ToInt64(checkpoint.GetTensorData(name));
    }

    private static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }

    private static void DisposeAll(List<(string Name, Parameter Parameter)> parameters)
    {
        foreach (var (_, parameter) in parameters)
        {
            parameter.Dispose();
        }
    }
}
