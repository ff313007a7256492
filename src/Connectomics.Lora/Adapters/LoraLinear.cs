using Connectomics.TorchScalars;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// A frozen linear layer with a trainable low-rank update: <c>y = base(x) + B(A(dropout(x))) · scaling</c>, where
/// <c>A</c> maps the input to rank r and <c>B</c> maps r to the output, neither with a bias. Its children are named
/// <c>base_layer</c>, <c>lora_A</c> and <c>lora_B</c> (and <c>lora_dropout</c>, which holds no parameters), so a
/// wrapped projection <c>m</c> puts <c>m.base_layer.weight</c>, <c>m.lora_A.weight</c> [r, in] and
/// <c>m.lora_B.weight</c> [out, r] into the state dict.
/// </summary>
/// <remarks>
/// <para>
/// A starts Kaiming-uniform with a = √5 (uniform in ±1/√in, as PyTorch initialises a linear layer) and B starts at
/// zero, so a new adapter leaves the output unchanged. The adapter weights are float32 on the base layer's device;
/// the update is computed in the input's dtype, so a base layer that runs in bfloat16 or float16 keeps doing so.
/// </para>
/// <para>
/// <see cref="Merge"/> folds the update into the base weight (<c>W += scaling · B·A</c>), after which the forward pass
/// is the base layer alone; <see cref="Unmerge"/> subtracts it again. Not thread-safe.
/// </para>
/// </remarks>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    // Fields named as the state-dict keys: TorchSharp registers a module's fields under their names.
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout? lora_dropout;
    private Linear? base_layer;

    /// <summary>Initializes a new instance that wraps <paramref name="baseLayer"/> and takes ownership of it.</summary>
    /// <param name="baseLayer">The layer to adapt; its parameters are frozen (<c>requires_grad = false</c>).</param>
    /// <param name="rank">The rank r (at least 1).</param>
    /// <param name="alpha">The scaling numerator (positive).</param>
    /// <param name="dropout">The dropout probability on the adapter's input, in [0, 1).</param>
    /// <param name="useRsLora">Whether the scaling is <c>alpha / √r</c> instead of <c>alpha / r</c>.</param>
    /// <param name="generator">The generator that draws A; <see langword="null"/> draws from a generator seeded
    /// with 0 (never from the global generator, whose sequence stays untouched).</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public LoraLinear(Linear baseLayer, int rank, double alpha, double dropout = 0, bool useRsLora = false, Generator? generator = null)
        : base(nameof(LoraLinear))
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be positive and finite.");
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The dropout probability must be in [0, 1).");
        }

        var weight = baseLayer.weight ?? throw new ArgumentException("The base layer has no weight.", nameof(baseLayer));
        Rank = rank;
        Alpha = alpha;
        DropoutProbability = dropout;
        UseRsLora = useRsLora;
        Scaling = useRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;
        InFeatures = weight.shape[1];
        OutFeatures = weight.shape[0];

        foreach (var parameter in baseLayer.parameters())
        {
            parameter.requires_grad = false;
        }

        var device = weight.device;
        Tensor a;
        using (var seeded = generator is null ? new Generator(0) : null)
        using (torch.no_grad())
        {
            a = torch.empty(rank, InFeatures, ScalarType.Float32);
            a.uniform_(-KaimingUniformBound(InFeatures), KaimingUniformBound(InFeatures), generator ?? seeded);
        }

        lora_A = nn.Linear(new Parameter(MoveTo(a, device)), null);
        lora_B = nn.Linear(new Parameter(torch.zeros(OutFeatures, rank, ScalarType.Float32, device)), null);
        base_layer = baseLayer;
        lora_dropout = dropout > 0 ? nn.Dropout(dropout) : null;
        RegisterComponents();
    }

    /// <summary>Gets the rank r.</summary>
    public int Rank { get; }

    /// <summary>Gets alpha, the scaling numerator.</summary>
    public double Alpha { get; }

    /// <summary>Gets the factor applied to the update: <c>alpha / r</c>, or <c>alpha / √r</c> with rsLoRA.</summary>
    public double Scaling { get; }

    /// <summary>Gets the dropout probability on the adapter's input.</summary>
    public double DropoutProbability { get; }

    /// <summary>Gets a value indicating whether the scaling is rank-stabilised (<c>alpha / √r</c>).</summary>
    public bool UseRsLora { get; }

    /// <summary>Gets the input width.</summary>
    public long InFeatures { get; }

    /// <summary>Gets the output width.</summary>
    public long OutFeatures { get; }

    /// <summary>Gets a value indicating whether the update is folded into the base weight.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>Gets the wrapped (frozen) layer.</summary>
    /// <exception cref="ObjectDisposedException">The base layer was handed back.</exception>
    public Linear BaseLayer => base_layer ?? throw new ObjectDisposedException(nameof(LoraLinear), "The base layer was handed back to the model.");

    /// <summary>Gets the down projection A (in → r), weight [r, in].</summary>
    public Linear LoraA => lora_A;

    /// <summary>Gets the up projection B (r → out), weight [out, r].</summary>
    public Linear LoraB => lora_B;

    /// <summary>Computes <c>base(x) + B(A(dropout(x))) · scaling</c>, or <c>base(x)</c> alone when merged.</summary>
    /// <param name="input">The input [..., in].</param>
    /// <returns>The output [..., out], in the input's dtype.</returns>
    public override Tensor forward(Tensor input)
    {
        var baseLayer = BaseLayer;
        var weight = baseLayer.weight!;

        // An input in another dtype than the base weights (an encoder computing its projections in bfloat16) is
        // multiplied by weights cast for the call, as autocast does; the stored weights keep their dtype.
        var result = weight.dtype == input.dtype
            ? baseLayer.forward(input)
            : nn.functional.linear(input, weight.to(input.dtype), baseLayer.bias?.to(input.dtype));
        if (IsMerged)
        {
            return result;
        }

        var x = lora_dropout is not null && training ? lora_dropout.forward(input) : input;
        Tensor a = lora_A.weight!;
        Tensor b = lora_B.weight!;
        if (a.dtype != x.dtype)
        {
            a = a.to(x.dtype);
            b = b.to(x.dtype);
        }

        using var scaling = Scaling.ToScalar();
        var update = nn.functional.linear(nn.functional.linear(x, a), b).mul(scaling);
        return result.add(update.to(result.dtype), ScalarConstants.One);
    }

    /// <summary>Folds the update into the base weight: <c>W += scaling · B·A</c> (computed in float32, then stored in
    /// the weight's dtype). Does nothing when already merged.</summary>
    public void Merge()
    {
        if (IsMerged)
        {
            return;
        }

        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var weight = BaseLayer.weight!;
            weight.add_(Delta().to(weight.dtype), ScalarConstants.One);
        }

        IsMerged = true;
    }

    /// <summary>Takes the update out of the base weight again: <c>W -= scaling · B·A</c>. Does nothing when not
    /// merged.</summary>
    public void Unmerge()
    {
        if (!IsMerged)
        {
            return;
        }

        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var weight = BaseLayer.weight!;
            weight.sub_(Delta().to(weight.dtype));
        }

        IsMerged = false;
    }

    /// <summary>Copies adapter weights into A and B (converting dtype and device).</summary>
    /// <param name="a">The weight of A [r, in].</param>
    /// <param name="b">The weight of B [out, r].</param>
    /// <exception cref="ArgumentException">A shape differs.</exception>
    public void LoadAdapterWeights(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.shape.SequenceEqual(lora_A.weight!.shape))
        {
            throw new ArgumentException($"lora_A must be [{Rank}, {InFeatures}] (was [{string.Join(", ", a.shape)}]).", nameof(a));
        }

        if (!b.shape.SequenceEqual(lora_B.weight!.shape))
        {
            throw new ArgumentException($"lora_B must be [{OutFeatures}, {Rank}] (was [{string.Join(", ", b.shape)}]).", nameof(b));
        }

        var wasMerged = IsMerged;
        Unmerge();
        using (torch.no_grad())
        {
            lora_A.weight!.copy_(a);
            lora_B.weight!.copy_(b);
        }

        if (wasMerged)
        {
            Merge();
        }
    }

    /// <summary>Computes <c>scaling · B·A</c> [out, in] in float32.</summary>
    /// <returns>The update of the base weight.</returns>
    internal Tensor Delta()
    {
        using var scaling = Scaling.ToScalar();
        return lora_B.weight!.to(ScalarType.Float32).matmul(lora_A.weight!.to(ScalarType.Float32)).mul(scaling);
    }

    /// <summary>Hands the base layer back (unregistered from this module, so disposing this one leaves it alive).</summary>
    /// <returns>The base layer, with the update merged if it was.</returns>
    internal Linear ReleaseBaseLayer()
    {
        var baseLayer = BaseLayer;
        register_module("base_layer", null!);
        base_layer = null;
        return baseLayer;
    }

    /// <summary>Computes the bound of PyTorch's <c>kaiming_uniform_</c> with a = √5 (leaky-ReLU gain, fan-in mode),
    /// step by step in the same floating-point operations: gain √(2 / (1 + a²)), std gain / √fan_in, bound √3 · std.</summary>
    /// <param name="fanIn">The input width.</param>
    /// <returns>The bound of the uniform distribution.</returns>
    internal static double KaimingUniformBound(long fanIn)
    {
        var a = Math.Sqrt(5.0);
        var gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        var std = gain / Math.Sqrt(fanIn);
        return Math.Sqrt(3.0) * std;
    }

    private static Tensor MoveTo(Tensor tensor, Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return tensor;
        }

        var moved = tensor.to(device);
        tensor.Dispose();
        return moved;
    }
}
