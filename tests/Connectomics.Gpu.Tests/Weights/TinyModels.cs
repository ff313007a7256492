using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Weights;

/// <summary>A module that only holds named children and buffers, to build state dicts with chosen key names.</summary>
internal sealed class Node : nn.Module
{
    public Node()
        : base(nameof(Node))
    {
    }

    public Node With(string name, nn.Module child)
    {
        register_module(name, child);
        return this;
    }

    public Node WithBuffer(string name, Tensor value)
    {
        register_buffer(name, value);
        return this;
    }
}

/// <summary>Small modules whose state-dict keys mimic the ESM/NT naming.</summary>
internal static class TinyModels
{
    /// <summary>
    /// Keys: embeddings.word_embeddings.weight [10,4]; encoder.layer.0.dense.{weight [6,4], bias [6]};
    /// encoder.layer.0.LayerNorm.{weight,bias} [6]; encoder.layer.0.rotary.inv_freq [2] (buffer).
    /// </summary>
    /// <remarks>
    /// With <paramref name="withExtras"/>, also contact_head.regression.{weight [1,2], bias [1]} and an I64
    /// embeddings.position_ids [1,12] buffer, as full NT checkpoints carry.
    /// </remarks>
    public static Node Backbone(int seed, bool withExtras = false)
    {
        manual_seed(seed);
        var embeddings = new Node().With("word_embeddings", nn.Embedding(10, 4));
        var backbone = new Node()
            .With("embeddings", embeddings)
            .With("encoder", new Node().With("layer", new Node().With("0", new Node()
                .With("dense", nn.Linear(4, 6))
                .With("LayerNorm", nn.LayerNorm(6))
                .With("rotary", new Node().WithBuffer("inv_freq", tensor(new[] { 1f, 0.01f }))))));
        if (withExtras)
        {
            embeddings.WithBuffer("position_ids", arange(12, dtype: ScalarType.Int64).reshape(1, 12));
            backbone.With("contact_head", new Node().With("regression", nn.Linear(2, 1)));
        }

        return backbone;
    }

    /// <summary>The backbone under <c>esm.</c>, optionally with an <c>lm_head</c> linear [10,4] + [10].</summary>
    public static Node Full(int seed, bool withHead, bool withExtras = false)
    {
        var model = new Node().With("esm", Backbone(seed, withExtras));
        if (withHead)
        {
            model.With("lm_head", nn.Linear(4, 10));
        }

        return model;
    }

    public static readonly string[] BackboneKeys =
    [
        "embeddings.word_embeddings.weight",
        "encoder.layer.0.LayerNorm.bias",
        "encoder.layer.0.LayerNorm.weight",
        "encoder.layer.0.dense.bias",
        "encoder.layer.0.dense.weight",
        "encoder.layer.0.rotary.inv_freq",
    ];

    /// <summary>Every state-dict tensor as float64 values, keyed by name.</summary>
    public static Dictionary<string, double[]> Snapshot(nn.Module module)
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (key, value) in module.state_dict())
        {
            using var detached = value.detach();
            using var asDouble = detached.to(ScalarType.Float64, CPU);
            using var flat = asDouble.reshape(-1);
            result[key] = flat.data<double>().ToArray();
        }

        return result;
    }

    /// <summary>Values that change from layer to layer and are exact in F16 and BF16: multiples of 1/8 below 16.</summary>
    public static float[] Exact(int count, int salt) =>
        Enumerable.Range(0, count).Select(i => (((i * 7) + (salt * 13)) % 64 - 32) / 8f).ToArray();
}
