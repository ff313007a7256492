using System.Globalization;
using Connectomics.Gpu.Weights;
using Connectomics.Lora.StateDicts;
using Connectomics.TorchScalars;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Optimization;

/// <summary>
/// Adam with decoupled weight decay, computing exactly what PyTorch's <c>torch.optim.AdamW</c> computes (its
/// single-tensor path, without AMSGrad), so that a run here and a run there agree to float32 rounding.
/// </summary>
/// <remarks>
/// <para>
/// For each parameter that has a gradient g, with t its own step count (1 at its first update), learning rate lr and
/// the group's weight decay λ, one <see cref="Step(double)"/> does, in this order and with these roundings:
/// p ← p · (1 − lr·λ); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g·g; then, with
/// c1 = 1 − β1^t and c2 = 1 − β2^t computed in double precision, p ← p − (lr / c1) · m / (√v / √c2 + ε).
/// The decay thus acts before the Adam update and does not enter the moments. Parameters whose gradient is null are
/// skipped entirely: neither decayed nor counted.
/// </para>
/// <para>
/// The moments live on each parameter's device and in its dtype. The optimizer owns them: dispose it when training
/// ends. Instances are not thread-safe; step, save and load from one thread.
/// </para>
/// </remarks>
public sealed class AdamW : IDisposable
{
    private const string StepsKey = "steps";
    private const string StepSuffix = ".step";
    private const string FirstMomentSuffix = ".exp_avg";
    private const string SecondMomentSuffix = ".exp_avg_sq";

    private readonly List<GroupState> _groups = [];
    private bool _disposed;

    /// <summary>Creates an optimizer over parameter groups, each with its own weight decay.</summary>
    /// <param name="groups">The groups; every parameter name must be unique across them.</param>
    /// <param name="options">The hyper-parameters (their <see cref="AdamWOptions.WeightDecay"/> is not used: each group carries its own).</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A name or a parameter appears twice, or a parameter is not a floating-point tensor.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options.Clone();

        var names = new HashSet<string>(StringComparer.Ordinal);
        var parameters = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var groupList = groups.ToList();
        foreach (var group in groupList)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(groups));
            foreach (var (name, parameter) in group.Parameters)
            {
                if (!names.Add(name))
                {
                    throw new ArgumentException($"The parameter name '{name}' appears in more than one group.", nameof(groups));
                }

                if (!parameters.Add(parameter))
                {
                    throw new ArgumentException($"The parameter '{name}' is already in the optimizer under another name.", nameof(groups));
                }

                if (!parameter.is_floating_point())
                {
                    throw new ArgumentException($"The parameter '{name}' has dtype {parameter.dtype}; AdamW needs floating-point parameters.", nameof(groups));
                }
            }
        }

        try
        {
            foreach (var group in groupList)
            {
                var states = new List<ParameterState>(group.Parameters.Count);
                _groups.Add(new GroupState(group, states));
                foreach (var (name, parameter) in group.Parameters)
                {
                    states.Add(new ParameterState(name, parameter, ZerosLike(parameter), ZerosLike(parameter)));
                }
            }
        }
        catch
        {
            DisposeState();
            throw;
        }

        Groups = groupList;
    }

    /// <summary>Creates an optimizer over named parameters, split by <see cref="ParameterGroups.WithDecay"/> into a
    /// group with <see cref="AdamWOptions.WeightDecay"/> and one without decay (biases, normalisation weights).</summary>
    /// <param name="parameters">The parameters with their state-dict names.</param>
    /// <param name="options">The hyper-parameters.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A name or a parameter appears twice, or a parameter is not a floating-point tensor.</exception>
    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, AdamWOptions options)
        : this(ParameterGroups.WithDecay(parameters, Validated(options).WeightDecay), options)
    {
    }

    /// <summary>Gets a copy of the hyper-parameters the optimizer was created with.</summary>
    public AdamWOptions Options { get; }

    /// <summary>Gets the parameter groups, in the order given.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Gets the number of <see cref="Step(double)"/> calls made so far (restored by <see cref="LoadState"/>).</summary>
    public long Steps { get; private set; }

    /// <summary>Updates every parameter that has a gradient with <see cref="AdamWOptions.LearningRate"/>.</summary>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    public void Step() => Step(Options.LearningRate);

    /// <summary>Updates every parameter that has a gradient (see the remarks of <see cref="AdamW"/>).</summary>
    /// <param name="learningRate">The learning rate of this step, for example from <see cref="WarmupCosineSchedule.LearningRateAt"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!double.IsFinite(learningRate) || learningRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number ≥ 0.");
        }

        var beta1 = Options.Beta1;
        var beta2 = Options.Beta2;
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientShare = (1 - beta1).ToScalar();
        using var squaredGradientShare = (1 - beta2).ToScalar();
        using var epsilon = Options.Epsilon.ToScalar();
        using var noGrad = torch.no_grad();
        foreach (var group in _groups)
        {
            using var decayFactor = (1 - (learningRate * group.Definition.WeightDecay)).ToScalar();
            foreach (var state in group.States)
            {
                using var scope = torch.NewDisposeScope();
                var grad = state.Parameter.grad;
                if (grad is null)
                {
                    continue;
                }

                state.Step++;
                state.Parameter.mul_(decayFactor);
                state.FirstMoment.mul_(beta1Scalar).add_(grad, alpha: gradientShare);
                state.SecondMoment.mul_(beta2Scalar).addcmul_(grad, grad, value: squaredGradientShare);

                var biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
                var biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
                var stepSize = learningRate / biasCorrection1;
                var biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
                using var biasCorrection2SqrtScalar = biasCorrection2Sqrt.ToScalar();
                using var negativeStepSize = (-stepSize).ToScalar();
                var denominator = state.SecondMoment.sqrt().div_(biasCorrection2SqrtScalar).add_(epsilon, ScalarConstants.One);
                state.Parameter.addcdiv_(state.FirstMoment, denominator, value: negativeStepSize);
            }
        }

        Steps++;
    }

    /// <summary>Clears the gradient of every parameter (sets it to null, as PyTorch's <c>zero_grad()</c> does by
    /// default since 2.0), so that the next backward pass starts from nothing.</summary>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var state in _groups.SelectMany(g => g.States))
        {
            using var grad = state.Parameter.grad;
            if (grad is not null)
            {
                state.Parameter.grad = null;
            }
        }
    }

    /// <summary>
    /// Writes the optimizer state to one safetensors file, atomically (a temporary file flushed to storage, then
    /// renamed over <paramref name="path"/>): <c>steps</c> (int64 scalar) and, per parameter name, <c>{name}.step</c>
    /// (int64 scalar), <c>{name}.exp_avg</c> and <c>{name}.exp_avg_sq</c> (the parameter's shape and dtype).
    /// </summary>
    /// <param name="path">The file to create or replace; missing directories are created.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file of that name is left as it was.</exception>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    public void SaveState(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [StepsKey] = torch.tensor(Steps) };
        foreach (var state in _groups.SelectMany(g => g.States))
        {
            tensors[state.Name + StepSuffix] = torch.tensor(state.Step);
            tensors[state.Name + FirstMomentSuffix] = state.FirstMoment;
            tensors[state.Name + SecondMomentSuffix] = state.SecondMoment;
        }

        using var module = new NamedTensorsModule(tensors);
        var options = new StateDictSaveOptions();
        options.Metadata["content"] = "connectomics.adamw-state/1";
        StateDictSaver.Save(module, path, options);
    }

    /// <summary>
    /// Restores the state written by <see cref="SaveState"/>: the step counts and both moments of every parameter.
    /// The file must hold exactly this optimizer's parameter names with their shapes; nothing changes unless it does.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="StateDictMismatchException">The file's names or shapes differ from the optimizer's; the
    /// message names the file and each missing, unexpected or mismatched entry. The optimizer is unchanged.</exception>
    /// <exception cref="InvalidDataException">A step count in the file is negative or larger than <c>steps</c>; the optimizer is unchanged.</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    public void LoadState(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);

        var states = _groups.SelectMany(g => g.States).ToList();
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var adopted = false;
        try
        {
            loaded[StepsKey] = Detached(torch.zeros([], ScalarType.Int64));
            foreach (var state in states)
            {
                loaded[state.Name + StepSuffix] = Detached(torch.zeros([], ScalarType.Int64));
                loaded[state.Name + FirstMomentSuffix] = ZerosLike(state.FirstMoment);
                loaded[state.Name + SecondMomentSuffix] = ZerosLike(state.SecondMoment);
            }

            using (var module = new NamedTensorsModule(loaded))
            {
                var options = new StateDictLoadOptions { BaseModelPrefix = null, IsOptionalKey = null };
                options.IgnoredKeyPrefixes.Clear();
                options.IgnoredKeys.Clear();
                StateDictLoader.Load(module, path, options);
            }

            var steps = loaded[StepsKey].item<long>();
            var stepCounts = new long[states.Count];
            for (var i = 0; i < states.Count; i++)
            {
                var key = states[i].Name + StepSuffix;
                stepCounts[i] = loaded[key].item<long>();
                if (stepCounts[i] < 0 || stepCounts[i] > steps)
                {
                    throw new InvalidDataException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The optimizer state '{path}' is inconsistent: '{key}' is {stepCounts[i]}, outside 0..{steps} ('{StepsKey}')."));
                }
            }

            for (var i = 0; i < states.Count; i++)
            {
                var state = states[i];
                state.FirstMoment.Dispose();
                state.SecondMoment.Dispose();
                state.FirstMoment = loaded[state.Name + FirstMomentSuffix];
                state.SecondMoment = loaded[state.Name + SecondMomentSuffix];
                state.Step = stepCounts[i];
            }

            Steps = steps;
            adopted = true;
        }
        finally
        {
            foreach (var (key, tensor) in loaded)
            {
                if (!adopted || !(key.EndsWith(FirstMomentSuffix, StringComparison.Ordinal) || key.EndsWith(SecondMomentSuffix, StringComparison.Ordinal)))
                {
                    tensor.Dispose();
                }
            }
        }
    }

    /// <summary>Releases the moment tensors. The parameters are not touched.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeState();
    }

    private static AdamWOptions Validated(AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static Tensor ZerosLike(Tensor tensor)
    {
        using var noGrad = torch.no_grad();
        return Detached(torch.zeros_like(tensor, requires_grad: false));
    }

    // Optimizer state outlives any dispose scope the caller may have open.
    private static Tensor Detached(Tensor tensor) => tensor.DetachFromDisposeScope();

    private void DisposeState()
    {
        foreach (var state in _groups.SelectMany(g => g.States))
        {
            state.FirstMoment.Dispose();
            state.SecondMoment.Dispose();
        }

        _groups.Clear();
    }

    private sealed record GroupState(ParameterGroup Definition, List<ParameterState> States);

    private sealed class ParameterState(string name, Parameter parameter, Tensor firstMoment, Tensor secondMoment)
    {
        public string Name { get; } = name;

        public Parameter Parameter { get; } = parameter;

        public Tensor FirstMoment { get; set; } = firstMoment;

        public Tensor SecondMoment { get; set; } = secondMoment;

        public long Step { get; set; }
    }
}
