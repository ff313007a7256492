using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Adapters;

public sealed class PeftAdapterFormatTests
{
    private static readonly string[] s_peft010Keys =
    [
        "alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias", "fan_in_fan_out", "inference_mode",
        "init_lora_weights", "layer_replication", "layers_pattern", "layers_to_transform", "loftq_config", "lora_alpha",
        "lora_dropout", "megatron_config", "megatron_core", "modules_to_save", "peft_type", "r", "rank_pattern",
        "revision", "target_modules", "task_type", "use_dora", "use_rslora",
    ];

    [Fact]
    public void The_config_has_exactly_the_keys_peft_0_10_writes_with_our_values()
    {
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 4, Alpha = 32, Dropout = 0.1, LayersToTransform = [0, 2] });
        using var directory = new TempDirectory();

        adapter.Save(directory.Path);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory.Path, "adapter_config.json")))!.AsObject();
        Assert.Equal(s_peft010Keys, config.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(24, config.Count);
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("FEATURE_EXTRACTION", (string?)config["task_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(32, (int)config["lora_alpha"]!);
        Assert.Equal(0.1, (double)config["lora_dropout"]!);
        Assert.Equal(["query", "value"], config["target_modules"]!.AsArray().Select(n => (string?)n));
        Assert.Equal([0, 2], config["layers_to_transform"]!.AsArray().Select(n => (int)n!));
        Assert.Equal("none", (string?)config["bias"]);
        Assert.Equal("megatron.core", (string?)config["megatron_core"]);
        Assert.Equal("custom", (string?)config["base_model_name_or_path"]);
        Assert.False((bool)config["fan_in_fan_out"]!);
        Assert.False((bool)config["use_dora"]!);
        Assert.False((bool)config["use_rslora"]!);
        Assert.True((bool)config["inference_mode"]!);
        Assert.True((bool)config["init_lora_weights"]!);
        Assert.Empty(config["rank_pattern"]!.AsObject());
        Assert.Empty(config["alpha_pattern"]!.AsObject());
        Assert.Empty(config["loftq_config"]!.AsObject());
        foreach (var key in new[] { "modules_to_save", "revision", "auto_mapping", "layer_replication", "megatron_config", "layers_pattern" })
        {
            Assert.Null(config[key]);
        }
    }

    [Fact]
    public void The_weights_file_holds_peft_s_names_and_shapes_as_float32_with_pt_metadata()
    {
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 4, TargetModules = ["query", "intermediate.dense"] });
        SmallEncoders.Perturb(adapter.TrainableParameters());
        using var directory = new TempDirectory();

        adapter.Save(directory.Path);

        // Read the file by the format's definition, not through our own reader.
        var bytes = File.ReadAllBytes(Path.Combine(directory.Path, "adapter_model.safetensors"));
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' '))!.AsObject();
        Assert.Equal("pt", (string?)header["__metadata__"]!["format"]);
        var tensors = header.Where(p => p.Key != "__metadata__").ToDictionary(p => p.Key, p => p.Value!.AsObject());
        Assert.Equal(12, tensors.Count);
        var h = SmallEncoders.V2.HiddenSize;
        var gated = 2 * SmallEncoders.V2.IntermediateSize;
        AssertTensor("base_model.model.esm.encoder.layer.1.attention.self.query.lora_A.weight", [4, h]);
        AssertTensor("base_model.model.esm.encoder.layer.1.attention.self.query.lora_B.weight", [h, 4]);
        AssertTensor("base_model.model.esm.encoder.layer.2.intermediate.dense.lora_A.weight", [4, h]);
        AssertTensor("base_model.model.esm.encoder.layer.2.intermediate.dense.lora_B.weight", [gated, 4]);

        void AssertTensor(string key, long[] shape)
        {
            var entry = tensors[key];
            Assert.Equal("F32", (string?)entry["dtype"]);
            Assert.Equal(shape, entry["shape"]!.AsArray().Select(n => (long)n!));
            var offsets = entry["data_offsets"]!.AsArray().Select(n => (long)n!).ToArray();
            var values = new float[shape[0] * shape[1]];
            Buffer.BlockCopy(bytes, 8 + headerLength + (int)offsets[0], values, 0, (int)(offsets[1] - offsets[0]));
            var module = key["base_model.model.".Length..^".lora_A.weight".Length];
            var layer = adapter.GetLayer(module);
            var parameter = key.Contains("lora_A", StringComparison.Ordinal) ? layer.LoraA.weight! : layer.LoraB.weight!;
            Assert.Equal(parameter.data<float>().ToArray(), values);
        }
    }

    [Fact]
    public void A_saved_adapter_loads_into_a_fresh_model_with_the_same_outputs()
    {
        using var directory = new TempDirectory();
        Tensor expected;
        using (var model = SmallEncoders.Create())
        using (var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 3, Alpha = 6, UseRsLora = true, TargetModules = ["query", "value", "output.dense"] }, seed: 4))
        {
            SmallEncoders.Perturb(adapter.TrainableParameters());
            expected = SmallEncoders.Encode(model);
            adapter.Save(directory.Path);
        }

        using (expected)
        using (var fresh = SmallEncoders.Create())
        using (var loaded = LoraAdapter.Load(fresh, directory.Path))
        using (var actual = SmallEncoders.Encode(fresh))
        {
            Assert.True(SmallEncoders.MaxAbsDifference(actual, expected) < 1e-6);
            Assert.Equal(12, loaded.TargetedModules.Count); // "output.dense" matches attention.output.dense too
            Assert.True(loaded.Options.UseRsLora);
            Assert.Empty(loaded.TrainableParameters());
            Assert.Equal(0, loaded.Report().TrainableParameters);
        }

        using var again = SmallEncoders.Create();
        using var trainable = LoraAdapter.Load(again, directory.Path, trainable: true);
        Assert.Equal(24, trainable.TrainableParameters().Count());
    }

    [Fact]
    public void Rank_and_alpha_patterns_are_saved_and_honoured_on_load()
    {
        using var directory = new TempDirectory();
        var options = new LoraOptions
        {
            Rank = 2,
            RankPattern = new Dictionary<string, int> { ["value"] = 5 },
            AlphaPattern = new Dictionary<string, double> { ["value"] = 2.5 },
        };
        using (var model = SmallEncoders.Create())
        using (var adapter = LoraAdapter.Inject(model, options))
        {
            adapter.Save(directory.Path);
        }

        using var fresh = SmallEncoders.Create();
        using var loaded = LoraAdapter.Load(fresh, directory.Path);

        var value = loaded.GetLayer("esm.encoder.layer.0.attention.self.value");
        Assert.Equal(5, value.Rank);
        Assert.Equal(0.5, value.Scaling);
        Assert.Equal(2, loaded.GetLayer("esm.encoder.layer.0.attention.self.query").Rank);
    }

    [Fact]
    public void Keys_with_the_adapter_name_level_and_bare_encoder_names_load_and_saved_heads_are_skipped()
    {
        using var directory = new TempDirectory();
        Tensor expected;
        using (var model = SmallEncoders.Create())
        using (var adapter = LoraAdapter.Inject(model, new LoraOptions()))
        {
            SmallEncoders.Perturb(adapter.TrainableParameters());
            expected = SmallEncoders.Encode(model);
            adapter.Save(directory.Path);

            // Rewrite the weights as PEFT names them for a bare EsmModel, in memory (adapter name "default"), and add a
            // classifier that modules_to_save lists.
            var renamed = adapter.TrainableParameters()
                .Select(p => (Key: p.Name["esm.".Length..].Replace(".weight", ".default.weight", StringComparison.Ordinal), Tensor: (Tensor)p.Parameter))
                .Append(("base_model.model.classifier.dense.weight", torch.zeros(2, 2)))
                .ToList();
            PeftAdapterWeights.Write(Path.Combine(directory.Path, "adapter_model.safetensors"), renamed);
        }

        EditConfig(directory.Path, config => config["modules_to_save"] = new JsonArray("classifier"));

        using (expected)
        using (var fresh = SmallEncoders.Create())
        using (LoraAdapter.Load(fresh, directory.Path))
        using (var actual = SmallEncoders.Encode(fresh))
        {
            Assert.True(SmallEncoders.MaxAbsDifference(actual, expected) < 1e-6);
        }
    }

    [Theory]
    [InlineData("peft_type", "\"PREFIX_TUNING\"", "only LORA")]
    [InlineData("use_dora", "true", "DoRA")]
    [InlineData("fan_in_fan_out", "true", "fan_in_fan_out")]
    [InlineData("bias", "\"all\"", "only \"none\"")]
    [InlineData("r", "\"eight\"", "'r' must be a finite number")]
    [InlineData("target_modules", "[\"q_proj\", \"v_proj\"]", "targets no module")]
    public void Unsupported_or_malformed_configs_are_refused_naming_the_file_and_key(string key, string json, string message)
    {
        using var directory = SavedAdapter();
        EditConfig(directory.Path, config => config[key] = JsonNode.Parse(json));

        var error = AssertRefused(directory.Path);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.EndsWith("adapter_config.json", error.FilePath, StringComparison.Ordinal);
        Assert.Contains("adapter_config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_of_newer_peft_versions_are_ignored()
    {
        using var directory = SavedAdapter();
        EditConfig(directory.Path, config =>
        {
            config["exclude_modules"] = null;
            config["peft_version"] = "0.17.1";
            config["lora_bias"] = false;
        });

        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Load(model, directory.Path);

        Assert.Equal(6, adapter.TargetedModules.Count);
    }

    [Fact]
    public void Tensors_that_match_no_module_are_refused_although_peft_would_load_them_as_a_no_op()
    {
        using var directory = SavedAdapter();
        RewriteWeights(directory.Path, key => key.Replace("esm.encoder.layer", "roberta.encoder.layer", StringComparison.Ordinal), tensor => tensor);

        var error = AssertRefused(directory.Path);

        Assert.Contains("none of its LoRA tensors matches a module of the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("roberta.encoder.layer", error.Key, StringComparison.Ordinal);
        Assert.EndsWith("adapter_model.safetensors", error.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_of_the_wrong_shape_and_missing_tensors_are_refused_by_key()
    {
        using (var directory = SavedAdapter())
        {
            RewriteWeights(directory.Path, key => key, tensor => tensor.shape[0] == 2 ? torch.zeros(3, tensor.shape[1]) : tensor);
            var error = AssertRefused(directory.Path);
            Assert.Contains("lora_A.weight", error.Key, StringComparison.Ordinal);
            Assert.Contains("has shape [3, 32]", error.Message, StringComparison.Ordinal);
            Assert.Contains("need [2, 32]", error.Message, StringComparison.Ordinal);
        }

        using (var directory = SavedAdapter())
        {
            RewriteWeights(directory.Path, key => key.Contains("layer.1.attention.self.value.lora_B", StringComparison.Ordinal) ? null : key, tensor => tensor);
            var error = AssertRefused(directory.Path);
            Assert.Equal("base_model.model.esm.encoder.layer.1.attention.self.value.lora_B.weight", error.Key);
        }
    }

    [Fact]
    public void Pickled_adapters_are_refused_with_a_clear_reason()
    {
        using var directory = SavedAdapter();
        File.Move(Path.Combine(directory.Path, "adapter_model.safetensors"), Path.Combine(directory.Path, "adapter_model.bin"));

        var error = AssertRefused(directory.Path);

        Assert.Contains("pickle", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("adapter_model.bin", error.FilePath, StringComparison.Ordinal);
    }

    private static TempDirectory SavedAdapter()
    {
        var directory = new TempDirectory();
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 2 });
        adapter.Save(directory.Path);
        return directory;
    }

    private static LoraAdapterFormatException AssertRefused(string directory)
    {
        using var model = SmallEncoders.Create();
        var error = Assert.Throws<LoraAdapterFormatException>(() => LoraAdapter.Load(model, directory));
        Assert.All(model.ReplaceableModuleNames, name => Assert.IsType<Linear>(model.GetModule(name)));
        return error;
    }

    private static void EditConfig(string directory, Action<JsonObject> edit)
    {
        var path = Path.Combine(directory, "adapter_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void RewriteWeights(string directory, Func<string, string?> rename, Func<Tensor, Tensor> change)
    {
        var path = Path.Combine(directory, "adapter_model.safetensors");
        var tensors = new List<(string, Tensor)>();
        using (var checkpoint = Gpu.Weights.SafetensorsCheckpoint.Open(path))
        {
            foreach (var info in checkpoint.Tensors)
            {
                if (rename(info.Name) is { } name)
                {
                    tensors.Add((name, change(PeftAdapterWeights.ReadFloat32(checkpoint, info))));
                }
            }
        }

        PeftAdapterWeights.Write(path, tensors);
    }
}
