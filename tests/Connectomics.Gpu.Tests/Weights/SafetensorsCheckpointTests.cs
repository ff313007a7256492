using System.Text.Json;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Opens_a_single_file_from_its_directory_or_its_path()
    {
        new SafetensorsWriter()
            .Add("b", SafetensorsDType.F32, [1], RawSafetensors.Float32(2f))
            .Add("a", SafetensorsDType.F32, [1], RawSafetensors.Float32(1f))
            .WriteTo(_dir.File("model.safetensors"));

        foreach (var path in new[] { _dir.Path, _dir.File("model.safetensors") })
        {
            using var checkpoint = SafetensorsCheckpoint.Open(path);

            Assert.Equal(_dir.File("model.safetensors"), checkpoint.Path);
            Assert.Null(checkpoint.IndexPath);
            Assert.Null(checkpoint.TotalSize);
            Assert.Single(checkpoint.Files);
            Assert.Equal(["a", "b"], checkpoint.Tensors.Select(t => t.Name));
            Assert.Equal(2, checkpoint.Count);
            var entry = checkpoint.GetEntry("b");
            Assert.Same(checkpoint.Files[0], entry.File);
            Assert.Equal(RawSafetensors.Float32(2f), checkpoint.GetTensorData("b").ToArray());
        }
    }

    [Fact]
    public void Sharded_writer_splits_by_size_and_the_checkpoint_reads_it_back()
    {
        var data = new Dictionary<string, byte[]>
        {
            ["a"] = RawSafetensors.Float32(1, 2, 3, 4),
            ["b"] = RawSafetensors.Float32(5, 6, 7, 8),
            ["c"] = RawSafetensors.Int64(9, 10),
            ["d"] = RawSafetensors.Float64(11, 12, 13, 14, 15, 16, 17, 18),
            ["e"] = RawSafetensors.Float16(19, 20, 21, 22),
        };
        var writer = new SafetensorsShardedWriter(maxShardSize: 40)
            .Add("a", SafetensorsDType.F32, [2, 2], data["a"])
            .Add("b", SafetensorsDType.F32, [4], data["b"])
            .Add("c", SafetensorsDType.I64, [2], s => s.Write(data["c"]))
            .Add("d", SafetensorsDType.F64, [8], data["d"])
            .Add("e", SafetensorsDType.F16, [4], data["e"]);

        // a+b = 32 bytes; c would make 48 > 40, so c starts a new shard; d (64 bytes) is larger than the limit and
        // gets a shard of its own; e (8 bytes) still fits next to c.
        Assert.Equal([["a", "b"], ["d"], ["c", "e"]], writer.PlanShards().Select(s => s.ToArray()));

        var entry = writer.WriteTo(_dir.Path);

        Assert.Equal(_dir.File("model.safetensors.index.json"), entry);
        Assert.Equal(
            ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json"],
            _dir.Entries());

        using (var index = JsonDocument.Parse(File.ReadAllBytes(entry)))
        {
            Assert.Equal(120, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            var map = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
            Assert.Equal(
                [
                    ("a", "model-00001-of-00003.safetensors"),
                    ("b", "model-00001-of-00003.safetensors"),
                    ("c", "model-00003-of-00003.safetensors"),
                    ("d", "model-00002-of-00003.safetensors"),
                    ("e", "model-00003-of-00003.safetensors"),
                ],
                map);
        }

        var text = File.ReadAllText(entry);
        Assert.StartsWith("{\n  \"metadata\": {\n    \"total_size\": 120\n  },\n  \"weight_map\": {\n    \"a\": ", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);

        foreach (var path in new[] { _dir.Path, entry })
        {
            using var checkpoint = SafetensorsCheckpoint.Open(path);

            Assert.Equal(entry, checkpoint.IndexPath);
            Assert.Equal(entry, checkpoint.Path);
            Assert.Equal(120, checkpoint.TotalSize);
            Assert.Equal(3, checkpoint.Files.Count);
            Assert.Equal(["a", "b", "c", "d", "e"], checkpoint.Tensors.Select(t => t.Name));
            foreach (var (name, bytes) in data)
            {
                Assert.Equal(bytes, checkpoint.GetTensorData(name).ToArray());
                using var stream = checkpoint.OpenTensorStream(name);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Assert.Equal(bytes, copy.ToArray());
            }

            Assert.Same(checkpoint.GetEntry("a").File, checkpoint.GetEntry("b").File);
            Assert.Same(checkpoint.GetEntry("c").File, checkpoint.GetEntry("e").File);
            Assert.EndsWith("model-00002-of-00003.safetensors", checkpoint.GetEntry("d").File.Path, StringComparison.Ordinal);
            Assert.Equal([2L, 2L], checkpoint.GetTensor("a").Shape);
            Assert.All(checkpoint.Files, f => Assert.Equal("pt", f.Metadata!["format"]));
        }
    }

    [Fact]
    public void Sharded_writer_writes_a_single_file_without_index_when_everything_fits()
    {
        var writer = new SafetensorsShardedWriter(1 << 20)
            .Add("x", SafetensorsDType.F32, [2], RawSafetensors.Float32(1, 2))
            .Add("y", SafetensorsDType.F32, [2], RawSafetensors.Float32(3, 4));

        var entry = writer.WriteTo(_dir.Path);

        Assert.Equal(_dir.File("model.safetensors"), entry);
        Assert.Equal(["model.safetensors"], _dir.Entries());
        using var checkpoint = SafetensorsCheckpoint.Open(_dir.Path);
        Assert.Equal(["x", "y"], checkpoint.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Sharded_writer_honours_a_custom_base_name()
    {
        var writer = new SafetensorsShardedWriter(8)
            .Add("x", SafetensorsDType.F32, [2], RawSafetensors.Float32(1, 2))
            .Add("y", SafetensorsDType.F32, [2], RawSafetensors.Float32(3, 4));

        var entry = writer.WriteTo(_dir.Path, "adapter");

        Assert.Equal(["adapter-00001-of-00002.safetensors", "adapter-00002-of-00002.safetensors", "adapter.safetensors.index.json"], _dir.Entries());
        using var checkpoint = SafetensorsCheckpoint.Open(entry);
        Assert.Equal(2, checkpoint.Files.Count);
        Assert.Throws<ArgumentException>(() => writer.WriteTo(_dir.Path, "sub/model"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafetensorsShardedWriter(0));
    }

    [Fact]
    public void A_tensor_missing_from_its_shard_is_reported_with_index_tensor_and_shard()
    {
        WriteShard("model-00001-of-00002.safetensors", "a");
        WriteShard("model-00002-of-00002.safetensors", "b");
        var index = WriteIndex(
            """
            {"metadata": {"total_size": 8}, "weight_map": {
              "a": "model-00001-of-00002.safetensors",
              "b": "model-00002-of-00002.safetensors",
              "ghost": "model-00002-of-00002.safetensors"}}
            """);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_dir.Path));

        Assert.Equal(index, ex.FilePath);
        Assert.Equal("ghost", ex.TensorName);
        Assert.Contains(index, ex.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'ghost' is mapped to shard 'model-00002-of-00002.safetensors', which has no such tensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_shard_file_is_reported_with_index_tensor_and_shard()
    {
        WriteShard("model-00001-of-00002.safetensors", "a");
        var index = WriteIndex("""{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(index));

        Assert.Equal("b", ex.TensorName);
        Assert.Contains("'model-00002-of-00002.safetensors'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains(index, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", null, "not valid JSON")]
    [InlineData("[]", null, "root is not a JSON object")]
    [InlineData("""{"metadata": {}}""", null, "no \"weight_map\"")]
    [InlineData("""{"weight_map": []}""", null, "\"weight_map\" is not a JSON object")]
    [InlineData("""{"metadata": 3, "weight_map": {}}""", null, "\"metadata\" is not a JSON object")]
    [InlineData("""{"weight_map": {"a": 1}}""", "a", "not to a shard file name")]
    [InlineData("""{"weight_map": {"a": ""}}""", "a", "not to a shard file name")]
    [InlineData("""{"weight_map": {"a": "../model.safetensors"}}""", "a", "relative paths inside the index's directory")]
    [InlineData("""{"weight_map": {"a": "/etc/model.safetensors"}}""", "a", "relative paths inside the index's directory")]
    [InlineData("""{"weight_map": {"a": "s.safetensors", "a": "s.safetensors"}}""", "a", "more than once")]
    public void Malformed_indexes_are_reported(string json, string? tensor, string fragment)
    {
        WriteShard("s.safetensors", "a");
        var index = WriteIndex(json);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(index));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains(index, ex.Message, StringComparison.Ordinal);
        Assert.Equal(index, ex.FilePath);
        Assert.Equal(tensor, ex.TensorName);
    }

    [Fact]
    public void The_index_decides_which_tensors_belong_to_the_checkpoint_and_each_shard_opens_once()
    {
        WriteShard("s.safetensors", "a", "b", "unmapped");
        WriteIndex("""{"metadata": {"total_size": 8.0}, "weight_map": {"b": "s.safetensors", "a": "s.safetensors"}}""");

        using var checkpoint = SafetensorsCheckpoint.Open(_dir.Path);

        Assert.Equal(["a", "b"], checkpoint.Tensors.Select(t => t.Name));
        Assert.False(checkpoint.Contains("unmapped"));
        Assert.Single(checkpoint.Files);
        Assert.Equal(8, checkpoint.TotalSize);
    }

    [Fact]
    public void Ambiguous_or_empty_directories_and_missing_paths_fail_clearly()
    {
        Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_dir.Path));
        Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_dir.File("nothing-here")));

        WriteShard("model.safetensors", "a");
        WriteIndex("""{"weight_map": {"a": "model.safetensors"}}""");
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_dir.Path));
        Assert.Contains("holds both", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_dir.Path, ex.FilePath);
    }

    [Fact]
    public void A_malformed_shard_fails_with_the_shard_named_and_nothing_left_open()
    {
        WriteShard("good.safetensors", "a");
        File.WriteAllBytes(_dir.File("bad.safetensors"), [1, 2, 3]);
        WriteIndex("""{"weight_map": {"a": "good.safetensors", "b": "bad.safetensors"}}""");

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_dir.Path));

        Assert.Equal(_dir.File("bad.safetensors"), ex.FilePath);
    }

    [Fact]
    public void Disposing_the_checkpoint_closes_its_files()
    {
        WriteShard("model.safetensors", "a");
        var checkpoint = SafetensorsCheckpoint.Open(_dir.Path);
        var entry = checkpoint.GetEntry("a");

        checkpoint.Dispose();
        checkpoint.Dispose();

        Assert.Throws<ObjectDisposedException>(() => entry.File.GetTensorDataPointer(entry.Info));
        Assert.Throws<ObjectDisposedException>(() => checkpoint.OpenTensorStream("a"));
        Assert.Throws<KeyNotFoundException>(() => checkpoint.GetTensor("zzz"));
    }

    private void WriteShard(string fileName, params string[] tensors)
    {
        var writer = new SafetensorsWriter();
        foreach (var name in tensors)
        {
            writer.Add(name, SafetensorsDType.F32, [1], RawSafetensors.Float32(name.Length));
        }

        writer.WriteTo(_dir.File(fileName));
    }

    private string WriteIndex(string json)
    {
        var path = _dir.File("model.safetensors.index.json");
        File.WriteAllText(path, json);
        return path;
    }
}
