using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class StateDictSaverTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public StateDictSaverTests()
    {
        TorchRuntime.EnsureApplied();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Saves_names_shapes_dtypes_and_bytes_of_the_state_dict()
    {
        using var module = TinyModels.Backbone(seed: 21);
        module.With("ids", new Node().WithBuffer("position_ids", arange(3, dtype: ScalarType.Int64)));
        var path = _dir.File("model.safetensors");
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        StateDictSaver.Save(module, path);

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using var file = SafetensorsFile.Open(path);
        var state = module.state_dict();
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("pt", file.Metadata!["format"]);
        var snapshot = TinyModels.Snapshot(module);
        foreach (var info in file.Tensors)
        {
            Assert.Equal(state[info.Name].shape, info.GetShapeArray());
            if (info.Name == "ids.position_ids")
            {
                Assert.Equal(SafetensorsDType.I64, info.DType);
                Assert.Equal(RawSafetensors.Int64(0, 1, 2), file.GetTensorData(info).ToArray());
                continue;
            }

            Assert.Equal(SafetensorsDType.F32, info.DType);
            Assert.Equal(RawSafetensors.Float32(snapshot[info.Name].Select(v => (float)v).ToArray()), file.GetTensorData(info).ToArray());
        }
    }

    [Fact]
    public void Converts_floating_point_tensors_only_and_adds_a_key_prefix()
    {
        using var module = TinyModels.Backbone(seed: 22);
        module.With("ids", new Node().WithBuffer("position_ids", arange(3, dtype: ScalarType.Int64)));
        var options = new StateDictSaveOptions { FloatingPointDType = SafetensorsDType.F16, KeyPrefix = "esm." };
        options.Metadata["source"] = "test";
        var path = _dir.File("half.safetensors");

        StateDictSaver.Save(module, path, options);

        using var file = SafetensorsFile.Open(path);
        Assert.All(file.Tensors, t => Assert.StartsWith("esm.", t.Name, StringComparison.Ordinal));
        Assert.Equal(SafetensorsDType.I64, file.GetTensor("esm.ids.position_ids").DType);
        Assert.Equal(SafetensorsDType.F16, file.GetTensor("esm.encoder.layer.0.dense.weight").DType);
        Assert.Equal("test", file.Metadata!["source"]);
        using var weight = module.state_dict()["encoder.layer.0.dense.weight"].detach().to(ScalarType.Float16).contiguous();
        Assert.Equal(weight.bytes.ToArray(), file.GetTensorData("esm.encoder.layer.0.dense.weight").ToArray());
    }

    [Fact]
    public void Sharded_saves_split_into_several_files_with_an_index()
    {
        using var module = TinyModels.Full(seed: 23, withHead: true);

        var entry = StateDictSaver.SaveSharded(module, _dir.Path, maxShardSize: 64);

        using var checkpoint = SafetensorsCheckpoint.Open(entry);
        Assert.True(checkpoint.Files.Count >= 4);
        Assert.Equal(module.state_dict().Keys.Order(StringComparer.Ordinal), checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal(module.state_dict().Values.Sum(t => t.numel() * 4), checkpoint.TotalSize);
        Assert.All(checkpoint.Files, f => Assert.True(f.DataLength <= 64 || f.Count == 1));
    }

    [Fact]
    public void Unsupported_dtypes_and_options_are_rejected()
    {
        using var module = new Node().WithBuffer("z", zeros(2, dtype: ScalarType.ComplexFloat32));

        var ex = Assert.Throws<NotSupportedException>(() => StateDictSaver.Save(module, _dir.File("c.safetensors")));
        Assert.Contains("'z'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_dir.Entries());
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateDictSaveOptions { FloatingPointDType = SafetensorsDType.I32 });
    }
}
