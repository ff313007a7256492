using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// A set of LoRA adapters injected into an encoder: each targeted projection is replaced, in place, by a
/// <see cref="LoraLinear"/> that wraps it, and every base parameter is frozen. Saves and loads in Hugging Face PEFT's
/// layout (<c>adapter_config.json</c> and <c>adapter_model.safetensors</c>), merges into the base weights, and hands
/// plain merged projections back for a standalone checkpoint.
/// </summary>
/// <remarks>
/// <para>
/// The adapted layers belong to the model: its forward passes, parameters and state dict include them
/// (<c>esm.encoder.layer.0.attention.self.query.lora_A.weight</c> and so on) until <see cref="MergeAndUnload"/> or
/// <see cref="Unload"/> puts plain projections back. Disposing the adapter ends the use of this handle only.
/// </para>
/// <para>
/// Size of the largest preset: <see cref="NucleotideTransformerPresets.MultiSpecies2500m"/> (2,530,726,400
/// parameters without the masked-LM head) with r = 16 on query and value has 32 layers × 2 projections ×
/// 16 × (2,560 + 2,560) = 5,242,880 trainable parameters out of 2,535,969,280 in all, 0.2067% (with the masked-LM
/// head: 2,553,043,465 in all, 0.2054%).
/// </para>
/// <para>Not thread-safe: use an adapter and its model from one thread at a time.</para>
/// </remarks>
public sealed class LoraAdapter : IDisposable
{
    private const int ListedNames = 6;

    private readonly ITrainableEncoder _model;
    private readonly LoraOptions _options;
    private readonly List<(string Name, LoraLinear Layer)> _layers;
    private bool _unloaded;
    private bool _disposed;

    private LoraAdapter(ITrainableEncoder model, LoraOptions options, List<(string Name, LoraLinear Layer)> layers)
    {
        _model = model;
        _options = options;
        _layers = layers;
        TargetedModules = layers.Select(l => l.Name).ToArray();
    }

    /// <summary>Gets the full names of the adapted modules, in the order of
    /// <see cref="ITrainableEncoder.ReplaceableModuleNames"/>.</summary>
    public IReadOnlyList<string> TargetedModules { get; }

    /// <summary>Gets a copy of the settings the adapters were built with.</summary>
    public LoraOptions Options => _options.Clone();

    /// <summary>Gets the model the adapters live in.</summary>
    public ITrainableEncoder Model => _model;

    /// <summary>Gets a value indicating whether the updates are folded into the base weights.</summary>
    public bool IsMerged => _layers.Count > 0 && _layers[0].Layer.IsMerged;

    /// <summary>
    /// Wraps every projection of <paramref name="model"/> that <paramref name="options"/> targets in a new
    /// <see cref="LoraLinear"/> (A drawn from <paramref name="seed"/>, B zero, so the outputs are unchanged), freezes
    /// every parameter of the model and leaves only the adapter weights trainable.
    /// </summary>
    /// <param name="model">The encoder; its projections must be plain linear layers.</param>
    /// <param name="options">Targets, rank, alpha, dropout.</param>
    /// <param name="seed">The seed of the generator that draws every A, in module order.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ArgumentException">The options match no module, or a matched module is not a plain linear
    /// layer (for example, already adapted).</exception>
    public static LoraAdapter Inject(ITrainableEncoder model, LoraOptions options, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var copy = options.Clone();
        var targets = SelectTargets(model.ReplaceableModuleNames, copy, model.Name);
        return Build(model, copy, targets, seed, trainable: true);
    }

    /// <summary>
    /// Loads an adapter directory written by <see cref="Save"/> or by PEFT (<c>adapter_config.json</c> and
    /// <c>adapter_model.safetensors</c>) into <paramref name="model"/>: the targets are chosen by the configuration's
    /// rules, and every LoRA tensor must belong to one of them. Keys may carry PEFT's adapter-name level
    /// (<c>lora_A.default.weight</c>) and the <c>base_model.model.</c> prefix, and may name modules with or without
    /// <c>esm.</c> (a bare-encoder adapter). Tensors of <c>modules_to_save</c> (a PEFT classifier head) are skipped.
    /// </summary>
    /// <param name="model">The encoder; its projections must be plain linear layers.</param>
    /// <param name="directory">The adapter directory.</param>
    /// <param name="trainable">Whether the adapter weights require gradients (to continue training them); the base
    /// stays frozen either way.</param>
    /// <returns>The adapter, unmerged.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="LoraAdapterFormatException">The configuration is malformed or unsupported, the weights are in
    /// <c>adapter_model.bin</c>, or a tensor is unknown, missing or of the wrong shape; the message names the file and
    /// the key, and the model is left unchanged.</exception>
    /// <exception cref="SafetensorsFormatException">The weights file is malformed.</exception>
    public static LoraAdapter Load(ITrainableEncoder model, string directory, bool trainable = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The adapter directory '{Path.GetFullPath(directory)}' does not exist.");
        }

        var config = PeftAdapterConfig.Read(Path.Combine(directory, PeftAdapterConfig.FileName));
        var weightsPath = Path.GetFullPath(Path.Combine(directory, PeftAdapterWeights.FileName));
        if (!File.Exists(weightsPath))
        {
            var legacy = Path.Combine(directory, PeftAdapterWeights.LegacyFileName);
            throw File.Exists(legacy)
                ? new LoraAdapterFormatException(
                    $"'{Path.GetFullPath(legacy)}' holds the adapter as a PyTorch pickle, which is not supported (it can run code when read); save it again with safe_serialization=True, or convert it to {PeftAdapterWeights.FileName}.",
                    Path.GetFullPath(legacy),
                    null)
                : new LoraAdapterFormatException($"The adapter directory has no {PeftAdapterWeights.FileName}: '{weightsPath}' does not exist.", weightsPath, null);
        }

        var options = config.Options;
        var names = model.ReplaceableModuleNames;
        var targets = options.TargetModulesRegex is null && options.TargetModules.Count == 0
            ? []
            : LoraTargetMatcher.Select(options, names);
        if (targets.Count == 0)
        {
            var path = Path.GetFullPath(Path.Combine(directory, PeftAdapterConfig.FileName));
            throw new LoraAdapterFormatException(
                $"'{path}' targets no module of {model.Name} ({DescribeTargets(options)}); its modules are named like {Sample(names)}.",
                path,
                "target_modules");
        }

        var widths = LinearWidths(model, targets);
        using var checkpoint = SafetensorsCheckpoint.Open(weightsPath);
        var plan = PlanLoad(checkpoint, config, names, targets, widths);
        var adapter = Build(model, options, targets, seed: 0, trainable);
        try
        {
            foreach (var (name, layer) in adapter._layers)
            {
                var (a, b) = plan[name];
                using var scope = torch.NewDisposeScope();
                layer.LoadAdapterWeights(PeftAdapterWeights.ReadFloat32(checkpoint, a), PeftAdapterWeights.ReadFloat32(checkpoint, b));
            }
        }
        catch
        {
            adapter.Unload();
            throw;
        }

        return adapter;
    }

    /// <summary>
    /// Computes what <see cref="Report"/> would say after injecting <paramref name="options"/> into a model of shape
    /// <paramref name="config"/>, arithmetically, without building the model.
    /// </summary>
    /// <param name="config">The model's shape.</param>
    /// <param name="options">Targets and ranks.</param>
    /// <param name="withLanguageModelHead">Whether the model has the masked-LM head (its projections can be
    /// targeted and its parameters count).</param>
    /// <returns>The trainable (adapter) and total (base and adapter) parameter counts.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ArgumentException">The options match no module.</exception>
    public static LoraParameterReport Estimate(EsmConfig config, LoraOptions options, bool withLanguageModelHead = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate();
        options.Validate();
        var projections = EsmParameterLayout.Projections(config, withLanguageModelHead);
        var targets = SelectTargets(projections.Select(p => p.Name).ToList(), options, "the model");
        var shapes = projections.ToDictionary(p => p.Name, p => (p.In, p.Out), StringComparer.Ordinal);
        var trainable = targets.Sum(name => LoraTargetMatcher.RankFor(options, name) * (shapes[name].In + shapes[name].Out));
        return new LoraParameterReport(trainable, EsmParameterLayout.ParameterCount(config, withLanguageModelHead) + trainable);
    }

    /// <summary>Gets the adapted layer that replaced a module.</summary>
    /// <param name="moduleName">One of <see cref="TargetedModules"/>.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The module is not adapted.</exception>
    public LoraLinear GetLayer(string moduleName)
    {
        ThrowIfUnusable();
        foreach (var (name, layer) in _layers)
        {
            if (name == moduleName)
            {
                return layer;
            }
        }

        throw new ArgumentException($"'{moduleName}' is not adapted; adapted modules are like {Sample(TargetedModules)}.", nameof(moduleName));
    }

    /// <summary>Lists the adapter weights that require gradients, under their names in the model's state dict
    /// (<c>….query.lora_A.weight</c>, <c>….query.lora_B.weight</c>), in module order.</summary>
    /// <returns>The named parameters.</returns>
    public IEnumerable<(string Name, Parameter Parameter)> TrainableParameters()
    {
        ThrowIfUnusable();
        foreach (var (name, layer) in _layers)
        {
            if (layer.LoraA.weight is { requires_grad: true } a)
            {
                yield return ($"{name}.{PeftAdapterWeights.LoraA}.weight", a);
            }

            if (layer.LoraB.weight is { requires_grad: true } b)
            {
                yield return ($"{name}.{PeftAdapterWeights.LoraB}.weight", b);
            }
        }
    }

    /// <summary>Counts the model's parameters that require gradients and all of them (base and adapters).</summary>
    /// <returns>The report.</returns>
    public LoraParameterReport Report()
    {
        ThrowIfUnusable();
        long trainable = 0;
        long total = 0;
        foreach (var parameter in _model.Module.parameters())
        {
            total += parameter.numel();
            if (parameter.requires_grad)
            {
                trainable += parameter.numel();
            }
        }

        return new LoraParameterReport(trainable, total);
    }

    /// <summary>Folds every update into its base weight; forward passes then run the base layers alone.</summary>
    public void Merge()
    {
        ThrowIfUnusable();
        foreach (var (_, layer) in _layers)
        {
            layer.Merge();
        }
    }

    /// <summary>Takes every update out of its base weight again.</summary>
    public void Unmerge()
    {
        ThrowIfUnusable();
        foreach (var (_, layer) in _layers)
        {
            layer.Unmerge();
        }
    }

    /// <summary>
    /// Merges every update and puts the base projections, now holding the merged weights, back in their places; the
    /// adapter weights are released and this adapter can no longer be used. The model can then be saved with
    /// <see cref="NucleotideTransformerModel.SavePretrained"/> or used to build an embedder.
    /// </summary>
    public void MergeAndUnload()
    {
        ThrowIfUnusable();
        Merge();
        Restore();
    }

    /// <summary>Takes every update out (if merged) and puts the original projections back; the adapter weights are
    /// released and this adapter can no longer be used.</summary>
    public void Unload()
    {
        ThrowIfUnusable();
        Unmerge();
        Restore();
    }

    /// <summary>
    /// Saves the adapter in PEFT's layout: <c>adapter_model.safetensors</c> (A and B of every adapted module under
    /// <c>base_model.model.&lt;module&gt;.lora_A.weight</c> / <c>.lora_B.weight</c>, float32) and then
    /// <c>adapter_config.json</c> (the 24 keys PEFT 0.10 writes), each written atomically.
    /// </summary>
    /// <param name="directory">The directory; created if missing.</param>
    public void Save(string directory)
    {
        ThrowIfUnusable();
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var tensors = new List<(string, Tensor)>(2 * _layers.Count);
        foreach (var (name, layer) in _layers)
        {
            tensors.Add((PeftAdapterWeights.KeyOf(name, PeftAdapterWeights.LoraA), layer.LoraA.weight!));
            tensors.Add((PeftAdapterWeights.KeyOf(name, PeftAdapterWeights.LoraB), layer.LoraB.weight!));
        }

        PeftAdapterWeights.Write(Path.Combine(directory, PeftAdapterWeights.FileName), tensors);
        PeftAdapterConfig.Write(Path.Combine(directory, PeftAdapterConfig.FileName), _options, _options.BaseModelNameOrPath ?? _model.Name);
    }

    /// <summary>Ends the use of this handle. The adapted layers stay in the model (they belong to it).</summary>
    public void Dispose() => _disposed = true;

    private static IReadOnlyList<string> SelectTargets(IReadOnlyList<string> names, LoraOptions options, string modelName)
    {
        var targets = LoraTargetMatcher.Select(options, names);
        return targets.Count > 0
            ? targets
            : throw new ArgumentException(
                $"{nameof(LoraOptions)} ({DescribeTargets(options)}) match no module of {modelName}; replaceable modules are named like {Sample(names)}.",
                nameof(options));
    }

    private static Dictionary<string, (long In, long Out)> LinearWidths(ITrainableEncoder model, IReadOnlyList<string> targets)
    {
        var widths = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var name in targets)
        {
            var module = model.GetModule(name);
            if (module is not Linear { weight: { } weight })
            {
                throw new ArgumentException(
                    $"'{name}' is a {module.GetType().Name}, not a plain linear layer{(module is LoraLinear ? " (it already has an adapter; merge and unload it first)" : string.Empty)}.",
                    nameof(model));
            }

            widths[name] = (weight.shape[1], weight.shape[0]);
        }

        return widths;
    }

    private static LoraAdapter Build(ITrainableEncoder model, LoraOptions options, IReadOnlyList<string> targets, long seed, bool trainable)
    {
        LinearWidths(model, targets);

        foreach (var parameter in model.Module.parameters())
        {
            parameter.requires_grad = false;
        }

        var training = model.Module.training;
        var layers = new List<(string, LoraLinear)>(targets.Count);
        using var generator = new Generator(unchecked((ulong)seed));
        try
        {
            foreach (var name in targets)
            {
                var baseLayer = (Linear)model.GetModule(name);
                var layer = new LoraLinear(
                    baseLayer,
                    LoraTargetMatcher.RankFor(options, name),
                    LoraTargetMatcher.AlphaFor(options, name),
                    options.Dropout,
                    options.UseRsLora,
                    generator);
                layer.train(training);
                layer.LoraA.weight!.requires_grad = trainable;
                layer.LoraB.weight!.requires_grad = trainable;
                model.ReplaceModule(name, layer);
                layers.Add((name, layer));
            }
        }
        catch
        {
            foreach (var (name, layer) in layers)
            {
                model.ReplaceModule(name, layer.ReleaseBaseLayer());
                layer.Dispose();
            }

            throw;
        }

        return new LoraAdapter(model, options, layers);
    }

    private static Dictionary<string, (SafetensorsTensorInfo A, SafetensorsTensorInfo B)> PlanLoad(
        SafetensorsCheckpoint checkpoint,
        PeftAdapterConfig config,
        IReadOnlyList<string> modelNames,
        IReadOnlyList<string> targets,
        IReadOnlyDictionary<string, (long In, long Out)> widths)
    {
        var file = checkpoint.Path;
        var known = new HashSet<string>(modelNames, StringComparer.Ordinal);
        var targeted = new HashSet<string>(targets, StringComparer.Ordinal);
        var found = new Dictionary<(string Module, string Factor), SafetensorsTensorInfo>();
        var unknown = new List<string>();
        foreach (var tensor in checkpoint.Tensors)
        {
            if (!PeftAdapterWeights.TryParseKey(tensor.Name, out var written, out var factor))
            {
                if (BelongsToSavedModule(PeftAdapterWeights.WithoutPrefix(tensor.Name), config.ModulesToSave))
                {
                    continue;
                }

                throw new LoraAdapterFormatException(
                    $"'{file}': tensor '{tensor.Name}' is not a LoRA weight (…lora_A.weight or …lora_B.weight) and belongs to no module of modules_to_save; trained biases and other PEFT methods are not supported.",
                    file,
                    tensor.Name);
            }

            var module = known.Contains(written) ? written : known.Contains("esm." + written) ? "esm." + written : null;
            if (module is null)
            {
                unknown.Add(tensor.Name);
                continue;
            }

            if (!targeted.Contains(module))
            {
                throw new LoraAdapterFormatException(
                    $"'{file}': tensor '{tensor.Name}' belongs to '{module}', which adapter_config.json ({DescribeTargets(config.Options)}) does not target.",
                    file,
                    tensor.Name);
            }

            if (!found.TryAdd((module, factor), tensor))
            {
                throw new LoraAdapterFormatException(
                    $"'{file}': tensors '{found[(module, factor)].Name}' and '{tensor.Name}' both hold {factor} of '{module}'.",
                    file,
                    tensor.Name);
            }
        }

        if (unknown.Count > 0)
        {
            var what = found.Count == 0 ? "none of its LoRA tensors matches a module of the model" : $"{unknown.Count} LoRA tensor(s) match no module of the model";
            throw new LoraAdapterFormatException(
                $"'{file}': {what}: {string.Join(", ", unknown.Take(ListedNames).Select(k => $"'{k}'"))}{(unknown.Count > ListedNames ? ", …" : string.Empty)}. The model's modules are named like {Sample(modelNames)}.",
                file,
                unknown[0]);
        }

        var plan = new Dictionary<string, (SafetensorsTensorInfo, SafetensorsTensorInfo)>(StringComparer.Ordinal);
        foreach (var module in targets)
        {
            var a = Require(found, module, PeftAdapterWeights.LoraA, file);
            var b = Require(found, module, PeftAdapterWeights.LoraB, file);
            var rank = LoraTargetMatcher.RankFor(config.Options, module);
            var (inFeatures, outFeatures) = widths[module];
            CheckShape(a, [rank, inFeatures], file);
            CheckShape(b, [outFeatures, rank], file);
            plan[module] = (a, b);
        }

        return plan;
    }

    private static SafetensorsTensorInfo Require(Dictionary<(string Module, string Factor), SafetensorsTensorInfo> found, string module, string factor, string file) =>
        found.TryGetValue((module, factor), out var tensor)
            ? tensor
            : throw new LoraAdapterFormatException(
                $"'{file}' has no {factor} for '{module}', which adapter_config.json targets (expected key '{PeftAdapterWeights.KeyOf(module, factor)}').",
                file,
                PeftAdapterWeights.KeyOf(module, factor));

    private static void CheckShape(SafetensorsTensorInfo tensor, long[] expected, string file)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new LoraAdapterFormatException(
                $"'{file}': tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]; the model and adapter_config.json need [{string.Join(", ", expected)}].",
                file,
                tensor.Name);
        }
    }

    private static bool BelongsToSavedModule(string key, IReadOnlyList<string> modulesToSave) =>
        modulesToSave.Any(module => key.StartsWith(module + ".", StringComparison.Ordinal) || key.Contains("." + module + ".", StringComparison.Ordinal));

    private static string DescribeTargets(LoraOptions options) =>
        options.TargetModulesRegex is { } regex
            ? $"target regex '{regex}'"
            : $"targets [{string.Join(", ", options.TargetModules)}]{(options.LayersToTransform is { Count: > 0 } layers ? $" in layers [{string.Join(", ", layers)}]" : string.Empty)}";

    private static string Sample(IReadOnlyList<string> names) =>
        names.Count == 0
            ? "(none)"
            : string.Join(", ", names.Take(ListedNames).Select(n => $"'{n}'")) + (names.Count > ListedNames ? $" (… {names.Count} in all)" : string.Empty);

    private void Restore()
    {
        foreach (var (name, layer) in _layers)
        {
            _model.ReplaceModule(name, layer.ReleaseBaseLayer());
            layer.Dispose();
        }

        _unloaded = true;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_unloaded)
        {
            throw new InvalidOperationException("The adapter was unloaded from the model; inject or load a new one.");
        }
    }
}
