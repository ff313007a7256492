using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>attention.self.rotary_embeddings</c> (v2): rotates queries and keys by position with the "rotate half"
/// convention over the full head width. <c>inv_freq</c> is a persistent buffer, stored in NT checkpoints.
/// </summary>
internal sealed class RotaryEmbedding : nn.Module<Tensor, Tensor, (Tensor Query, Tensor Key)>
{
    private readonly Tensor inv_freq;

    public RotaryEmbedding(int dim)
        : base("rotary_embeddings")
    {
        // 1 / 10000^(2j/d) for j = 0 .. d/2-1, computed in float32 as the reference does.
        // The base is a 0-dim float32 tensor (TorchSharp's torch.pow takes tensors), and 1.0f / x is TorchSharp's
        // x.reciprocal() * 1.0f.
        using var width = dim.ToScalar();
        using var theta = torch.tensor(10000f);
        var exponents = torch.arange(ScalarConstants.Zero, width, ScalarConstants.Two, dtype: ScalarType.Int64).to(ScalarType.Float32).div(width);
        inv_freq = torch.pow(theta, exponents).reciprocal().mul(ScalarConstants.OneSingle);
        register_buffer(nameof(inv_freq), inv_freq, persistent: true);
    }

    /// <summary>Rotates queries and keys of shape [B, heads, S, d] by their position 0 .. S-1.</summary>
    /// <param name="query">The queries.</param>
    /// <param name="key">The keys.</param>
    /// <returns>The rotated queries and keys.</returns>
    public override (Tensor Query, Tensor Key) forward(Tensor query, Tensor key)
    {
        using var length = key.shape[^2].ToScalar();
        var t = torch.arange(ScalarConstants.Zero, length, ScalarConstants.One, dtype: ScalarType.Int64, device: inv_freq.device).to(inv_freq.dtype);
        var freqs = torch.outer(t, inv_freq);
        var emb = torch.cat([freqs, freqs], dim: -1);
        var cos = emb.cos().unsqueeze(0).unsqueeze(0).to(query.dtype);
        var sin = emb.sin().unsqueeze(0).unsqueeze(0).to(query.dtype);
        return (Rotate(query, cos, sin), Rotate(key, cos, sin));
    }

    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        var halves = x.chunk(2, -1);
        var rotated = torch.cat([-halves[1], halves[0]], dim: -1);
        return (x * cos).add(rotated * sin, ScalarConstants.One);
    }
}
