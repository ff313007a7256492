using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class StateDictLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public StateDictLoaderTests()
    {
        TorchRuntime.EnsureApplied();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Loads_every_tensor_of_a_checkpoint_written_from_another_module()
    {
        using var source = TinyModels.Backbone(seed: 1);
        using var target = TinyModels.Backbone(seed: 2);
        var path = _dir.File("model.safetensors");
        StateDictSaver.Save(source, path);
        var expected = TinyModels.Snapshot(source);
        Assert.NotEqual(expected["encoder.layer.0.dense.weight"], TinyModels.Snapshot(target)["encoder.layer.0.dense.weight"]);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var result = StateDictLoader.Load(target, path);

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(expected, TinyModels.Snapshot(target));
        Assert.Equal(TinyModels.BackboneKeys, result.LoadedKeys);
        Assert.Empty(result.IgnoredKeys);
        Assert.Empty(result.MissingOptionalKeys);
        Assert.Equal(Path.GetFullPath(path), result.CheckpointPath);
        Assert.Equal((40 + 24 + 6 + 6 + 6 + 2) * 4, result.BytesRead);
    }

    [Fact]
    public void Loads_exact_values_from_a_hand_written_checkpoint()
    {
        using var target = TinyModels.Backbone(seed: 3);
        var writer = new SafetensorsWriter();
        var values = new Dictionary<string, float[]>();
        foreach (var (key, shape) in BackboneShapes())
        {
            var data = TinyModels.Exact((int)shape.Aggregate(1L, (a, b) => a * b), key.Length);
            values[key] = data;
            writer.Add(key, SafetensorsDType.F32, shape, RawSafetensors.Float32(data));
        }

        writer.WriteTo(_dir.File("model.safetensors"));

        StateDictLoader.Load(target, _dir.Path);

        var loaded = TinyModels.Snapshot(target);
        foreach (var (key, data) in values)
        {
            Assert.Equal(data.Select(v => (double)v), loaded[key]);
        }
    }

    [Theory]
    [InlineData(SafetensorsDType.F16, ScalarType.Float32)]
    [InlineData(SafetensorsDType.BF16, ScalarType.Float32)]
    [InlineData(SafetensorsDType.F64, ScalarType.Float32)]
    [InlineData(SafetensorsDType.F32, ScalarType.Float64)]
    [InlineData(SafetensorsDType.BF16, ScalarType.Float64)]
    [InlineData(SafetensorsDType.F32, ScalarType.Float16)]
    public void Converts_the_checkpoint_dtype_to_the_module_dtype(SafetensorsDType stored, ScalarType moduleType)
    {
        using var target = TinyModels.Backbone(seed: 4);
        target.to(moduleType);
        var writer = new SafetensorsWriter();
        var values = new Dictionary<string, float[]>();
        foreach (var (key, shape) in BackboneShapes())
        {
            var data = TinyModels.Exact((int)shape.Aggregate(1L, (a, b) => a * b), key.Length + 1);
            values[key] = data;
            var bytes = stored switch
            {
                SafetensorsDType.F16 => RawSafetensors.Float16(data),
                SafetensorsDType.BF16 => RawSafetensors.BFloat16(data),
                SafetensorsDType.F64 => RawSafetensors.Float64(data.Select(v => (double)v).ToArray()),
                _ => RawSafetensors.Float32(data),
            };
            writer.Add(key, stored, shape, bytes);
        }

        writer.WriteTo(_dir.File("model.safetensors"));
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        StateDictLoader.Load(target, _dir.Path);

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var state = target.state_dict();
        Assert.All(state.Values, t => Assert.Equal(moduleType, t.dtype));
        var loaded = TinyModels.Snapshot(target);
        foreach (var (key, data) in values)
        {
            Assert.Equal(data.Select(v => (double)v), loaded[key]);
        }
    }

    [Fact]
    public void A_module_saved_as_bf16_loads_back_rounded_to_bf16()
    {
        using var source = TinyModels.Backbone(seed: 5);
        using var target = TinyModels.Backbone(seed: 6);
        var path = _dir.File("bf16.safetensors");
        StateDictSaver.Save(source, path, new StateDictSaveOptions { FloatingPointDType = SafetensorsDType.BF16 });

        using (var file = SafetensorsFile.Open(path))
        {
            Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDType.BF16, t.DType));
        }

        StateDictLoader.Load(target, path);

        var loaded = TinyModels.Snapshot(target);
        var changed = 0;
        foreach (var (key, value) in source.state_dict())
        {
            using var detached = value.detach();
            using var bf16 = detached.to(ScalarType.BFloat16);
            using var rounded = bf16.to(ScalarType.Float64);
            using var flat = rounded.reshape(-1);
            Assert.Equal(flat.data<double>().ToArray(), loaded[key]);
            Assert.Equal(ScalarType.Float32, target.state_dict()[key].dtype);
            changed += TinyModels.Snapshot(source)[key].SequenceEqual(loaded[key]) ? 0 : 1;
        }

        // Random float32 weights are not bf16-exact, so rounding must have changed most tensors.
        Assert.True(changed >= 4);
    }

    [Fact]
    public void Loads_a_sharded_checkpoint()
    {
        using var source = TinyModels.Full(seed: 7, withHead: true);
        using var target = TinyModels.Full(seed: 8, withHead: true);
        var entry = StateDictSaver.SaveSharded(source, _dir.Path, maxShardSize: 100);

        Assert.Equal(_dir.File("model.safetensors.index.json"), entry);
        using (var checkpoint = SafetensorsCheckpoint.Open(_dir.Path))
        {
            Assert.True(checkpoint.Files.Count > 2);
            Assert.Equal(8, checkpoint.Count);
        }

        var result = StateDictLoader.Load(target, _dir.Path);

        Assert.Equal(TinyModels.Snapshot(source), TinyModels.Snapshot(target));
        Assert.Equal(8, result.LoadedKeys.Count);
        Assert.Equal(entry, result.CheckpointPath);
    }

    [Fact]
    public void Reports_missing_unexpected_mis_shaped_and_mis_typed_tensors_at_once_and_leaves_the_module_unchanged()
    {
        using var target = TinyModels.Backbone(seed: 9);
        target.With("counts", new Node().WithBuffer("hits", zeros(3, dtype: ScalarType.Int64)));
        var before = TinyModels.Snapshot(target);
        var writer = new SafetensorsWriter();
        foreach (var (key, shape) in BackboneShapes())
        {
            switch (key)
            {
                case "encoder.layer.0.LayerNorm.bias":
                    continue;
                case "encoder.layer.0.dense.weight":
                    writer.Add(key, SafetensorsDType.F32, [4, 6], RawSafetensors.Float32(new float[24]));
                    continue;
                case "embeddings.word_embeddings.weight":
                    writer.Add(key, SafetensorsDType.U16, shape, new byte[80]);
                    continue;
                default:
                    writer.Add(key, SafetensorsDType.F32, shape, RawSafetensors.Float32(new float[shape.Aggregate(1L, (a, b) => a * b)]));
                    continue;
            }
        }

        writer.Add("counts.hits", SafetensorsDType.F32, [3], RawSafetensors.Float32(1, 2, 3));
        writer.Add("encoder.layer.0.extra.weight", SafetensorsDType.F32, [1], RawSafetensors.Float32(1));
        writer.Add("pooler.dense.bias", SafetensorsDType.F32, [1], RawSafetensors.Float32(1));
        var path = _dir.File("model.safetensors");
        writer.WriteTo(path);

        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, path));

        Assert.Equal(Path.GetFullPath(path), ex.CheckpointPath);
        Assert.Equal(["encoder.layer.0.LayerNorm.bias"], ex.MissingKeys);
        Assert.Equal(["encoder.layer.0.extra.weight", "pooler.dense.bias"], ex.UnexpectedKeys);
        var mismatch = Assert.Single(ex.MismatchedShapes);
        Assert.Equal("encoder.layer.0.dense.weight", mismatch.Key);
        Assert.Equal([6L, 4L], mismatch.ExpectedShape);
        Assert.Equal([4L, 6L], mismatch.ActualShape);
        Assert.Equal(2, ex.MismatchedDTypes.Count);
        Assert.Contains(ex.MismatchedDTypes, d => d.Key == "embeddings.word_embeddings.weight" && d.ActualDType == SafetensorsDType.U16 && d.ExpectedDType == "Float32");
        Assert.Contains(ex.MismatchedDTypes, d => d.Key == "counts.hits" && d.ActualDType == SafetensorsDType.F32 && d.ExpectedDType == "Int64");

        Assert.Contains(Path.GetFullPath(path), ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 missing key, 2 unexpected keys, 1 shape mismatch, 2 dtype mismatches", ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.layer.0.LayerNorm.bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pooler.dense.bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.layer.0.dense.weight: module [6, 4], checkpoint [4, 6]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("embeddings.word_embeddings.weight: module Float32, checkpoint U16", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ConnectomicsException>(ex);

        Assert.Equal(before, TinyModels.Snapshot(target));
    }

    [Fact]
    public void Skips_ignored_heads_and_integer_position_ids_when_loading_a_full_checkpoint_into_a_backbone()
    {
        using var source = TinyModels.Full(seed: 10, withHead: true, withExtras: true);
        var path = _dir.File("model.safetensors");
        StateDictSaver.Save(source, path);
        using (var file = SafetensorsFile.Open(path))
        {
            Assert.Equal(SafetensorsDType.I64, file.GetTensor("esm.embeddings.position_ids").DType);
        }

        using var target = TinyModels.Backbone(seed: 11);

        var result = StateDictLoader.Load(target, path);

        Assert.Equal(
            ["esm.contact_head.regression.bias", "esm.contact_head.regression.weight", "esm.embeddings.position_ids", "lm_head.bias", "lm_head.weight"],
            result.IgnoredKeys);
        Assert.Equal(TinyModels.BackboneKeys, result.LoadedKeys);
        var expected = TinyModels.Snapshot(source);
        foreach (var (key, value) in TinyModels.Snapshot(target))
        {
            Assert.Equal(expected["esm." + key], value);
        }

        var strict = new StateDictLoadOptions();
        strict.IgnoredKeyPrefixes.Clear();
        strict.IgnoredKeys.Clear();
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, path, strict));
        Assert.Equal(result.IgnoredKeys, ex.UnexpectedKeys);
        Assert.Empty(ex.MissingKeys);
    }

    [Fact]
    public void Loads_a_bare_backbone_checkpoint_into_a_module_with_the_esm_prefix()
    {
        using var source = TinyModels.Backbone(seed: 12);
        using var target = TinyModels.Full(seed: 13, withHead: false);
        var path = _dir.File("model.safetensors");
        StateDictSaver.Save(source, path);

        var result = StateDictLoader.Load(target, path);

        Assert.Equal(TinyModels.BackboneKeys.Select(k => "esm." + k), result.LoadedKeys);
        var expected = TinyModels.Snapshot(source);
        foreach (var (key, value) in TinyModels.Snapshot(target))
        {
            Assert.Equal(expected[key["esm.".Length..]], value);
        }

        var noPrefix = new StateDictLoadOptions { BaseModelPrefix = null };
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, path, noPrefix));
        Assert.Equal(TinyModels.BackboneKeys.Where(k => !k.EndsWith("inv_freq", StringComparison.Ordinal)).Select(k => "esm." + k), ex.MissingKeys);
        Assert.Equal(TinyModels.BackboneKeys, ex.UnexpectedKeys);
    }

    [Fact]
    public void An_exact_match_wins_and_a_second_tensor_for_the_same_key_is_unexpected()
    {
        using var target = TinyModels.Backbone(seed: 14);
        var writer = new SafetensorsWriter();
        foreach (var (key, shape) in BackboneShapes())
        {
            writer.Add(key, SafetensorsDType.F32, shape, RawSafetensors.Float32(new float[shape.Aggregate(1L, (a, b) => a * b)]));
        }

        writer.Add("esm.encoder.layer.0.dense.bias", SafetensorsDType.F32, [6], RawSafetensors.Float32(1, 1, 1, 1, 1, 1));
        writer.WriteTo(_dir.File("model.safetensors"));

        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, _dir.Path));

        Assert.Equal(["esm.encoder.layer.0.dense.bias"], ex.UnexpectedKeys);
        Assert.Empty(ex.MissingKeys);
    }

    [Fact]
    public void Rotary_inv_freq_may_be_absent_and_keeps_its_value()
    {
        using var target = TinyModels.Backbone(seed: 15);
        var writer = new SafetensorsWriter();
        foreach (var (key, shape) in BackboneShapes().Where(p => !p.Key.EndsWith("inv_freq", StringComparison.Ordinal)))
        {
            writer.Add(key, SafetensorsDType.F32, shape, RawSafetensors.Float32(TinyModels.Exact((int)shape.Aggregate(1L, (a, b) => a * b), 0)));
        }

        writer.WriteTo(_dir.File("model.safetensors"));

        var result = StateDictLoader.Load(target, _dir.Path);

        Assert.Equal(["encoder.layer.0.rotary.inv_freq"], result.MissingOptionalKeys);
        Assert.Equal([1.0, (double)0.01f], TinyModels.Snapshot(target)["encoder.layer.0.rotary.inv_freq"]);

        var required = new StateDictLoadOptions { IsOptionalKey = null };
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(target, _dir.Path, required));
        Assert.Equal(["encoder.layer.0.rotary.inv_freq"], ex.MissingKeys);
    }

    [Fact]
    public void Integer_tensors_load_into_integer_buffers()
    {
        using var target = new Node().WithBuffer("position_ids", zeros(1, 5, dtype: ScalarType.Int64));
        new SafetensorsWriter()
            .Add("position_ids", SafetensorsDType.I64, [1, 5], RawSafetensors.Int64(2, 3, 4, 5, long.MaxValue))
            .WriteTo(_dir.File("model.safetensors"));
        var options = new StateDictLoadOptions();
        options.IgnoredKeys.Add("position_ids");

        var result = StateDictLoader.Load(target, _dir.Path, options);

        Assert.Equal(["position_ids"], result.LoadedKeys);
        Assert.Equal([2L, 3L, 4L, 5L, long.MaxValue], target.state_dict()["position_ids"].data<long>().ToArray());
    }

    private static IEnumerable<KeyValuePair<string, long[]>> BackboneShapes() =>
    [
        new("embeddings.word_embeddings.weight", [10, 4]),
        new("encoder.layer.0.LayerNorm.bias", [6]),
        new("encoder.layer.0.LayerNorm.weight", [6]),
        new("encoder.layer.0.dense.bias", [6]),
        new("encoder.layer.0.dense.weight", [6, 4]),
        new("encoder.layer.0.rotary.inv_freq", [2]),
    ];
}
