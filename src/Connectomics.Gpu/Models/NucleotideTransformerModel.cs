using System.Text;
using Connectomics.Durability;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// A Nucleotide Transformer (ESM-family) encoder for training and custom inference: the Hugging Face
/// <c>EsmForMaskedLM</c> module tree (<c>esm.</c>, and <c>lm_head.</c> when the masked-LM head is built), forward passes
/// that record gradients whenever autograd is enabled, and named access to every projection so that adapters can wrap
/// them. It saves in the Hugging Face layout (<c>config.json</c>, <c>vocab.txt</c>, <c>model.safetensors</c>) that
/// <see cref="Inference.NucleotideTransformerEmbedderBuilder.FromPretrained"/>, this type and transformers load.
/// </summary>
/// <remarks>
/// The model starts on the CPU in evaluation mode. It is not thread-safe; for batched, multi-worker inference use
/// <see cref="Inference.NucleotideTransformerEmbedder"/>.
/// </remarks>
public sealed class NucleotideTransformerModel : ITrainableEncoder
{
    private readonly EsmEncoderModel _model;
    private Dictionary<string, (ProjectionSlots Owner, string Slot)> _slots;
    private string[] _slotNames;
    private bool _disposed;
    private ScalarType _computeType = ScalarType.Float32;

    private NucleotideTransformerModel(EsmEncoderModel model, NucleotideVocabulary vocabulary, string name)
    {
        _model = model;
        Vocabulary = vocabulary;
        Name = name;
        (_slots, _slotNames) = IndexSlots(model);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the shape of the model.</summary>
    public EsmConfig Config => _model.Config;

    /// <summary>Gets the token vocabulary (ids of the embedding table and of the masked-LM logits).</summary>
    public NucleotideVocabulary Vocabulary { get; }

    /// <inheritdoc />
    public nn.Module Module => _model;

    /// <inheritdoc />
    public Device Device => _model.parameters().First().device;

    /// <summary>Gets a value indicating whether the masked-LM head (<c>lm_head.</c>) is built.</summary>
    public bool HasLanguageModelHead => _model.LanguageModelHead is not null;

    /// <summary>
    /// Gets or sets a value indicating whether the encoder layers are checkpointed: while autograd is enabled, each
    /// layer's forward pass keeps only its input, and the backward pass runs the layer again to get its gradients.
    /// Activation memory drops from every layer's intermediates to one layer's plus the layers' inputs, for about one
    /// more forward pass of compute. Gradients are those of an unchecked run (dropout in replaced modules draws the
    /// same masks in both passes: the CPU generator is replayed; on CUDA the generator is reseeded per layer, see the
    /// remarks of the checkpointing). No effect under <c>torch.no_grad()</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool GradientCheckpointing
    {
        get => _model.Encoder.GradientCheckpointing;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _model.Encoder.GradientCheckpointing = value;
        }
    }

    /// <summary>
    /// Gets or sets the dtype the projections (every linear layer of the encoder and of the masked-LM head) compute in:
    /// <see cref="ScalarType.BFloat16"/> (or <see cref="ScalarType.Float16"/>) runs their matrix products in that
    /// precision on copies of the weights cast for each call, while the weights, the embeddings, LayerNorms, residuals
    /// and <see cref="Encode"/>'s output stay float32 — autocast's policy for these layers, so an optimizer keeps
    /// updating float32 weights. A replacement module (<see cref="ReplaceModule"/>) receives its input in this dtype
    /// and must compute in it (the LoRA layers do).
    /// </summary>
    /// <value>The default value is <see cref="ScalarType.Float32"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not Float32, BFloat16 or Float16.</exception>
    public ScalarType ComputeType
    {
        get => _computeType;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (value is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Projections compute in Float32, BFloat16 or Float16.");
            }

            _computeType = value;
            ApplyComputeType();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ReplaceableModuleNames
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _slotNames;
        }
    }

    /// <summary>
    /// Loads a Hugging Face checkpoint directory (<c>config.json</c>, safetensors weights, optional <c>vocab.txt</c>).
    /// The masked-LM head is built and loaded when the checkpoint stores <c>lm_head.</c> tensors.
    /// </summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    /// <exception cref="ModelConfigurationException">The configuration or vocabulary cannot be used.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit the configuration.</exception>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded.</exception>
    public static NucleotideTransformerModel FromPretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        TorchRuntime.EnsureApplied();
        var config = EsmConfig.FromHuggingFaceFile(directory);
        var vocabulary = ReadVocabulary(directory, config);
        var model = new EsmEncoderModel(config, AttentionImplementation.Eager);
        try
        {
            using (var checkpoint = SafetensorsCheckpoint.Open(directory))
            {
                if (checkpoint.Tensors.Any(t => t.Name.StartsWith("lm_head.", StringComparison.Ordinal)))
                {
                    model.AddLanguageModelHead(seed: 0);
                }

                StateDictLoader.Load(model, checkpoint);
            }

            model.eval();
            return new NucleotideTransformerModel(model, vocabulary, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Creates a model of a preset shape (see <see cref="NucleotideTransformerPresets"/>) with weights drawn
    /// as Hugging Face initialises ESM, reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="name">The preset's name.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <param name="withLanguageModelHead">Whether to build the masked-LM head as well.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    public static NucleotideTransformerModel FromPreset(string name, long seed = 0, bool withLanguageModelHead = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return FromConfig(NucleotideTransformerPresets.Get(name), seed, withLanguageModelHead, name.Trim().ToLowerInvariant());
    }

    /// <summary>Creates a model of the given shape with weights drawn as Hugging Face initialises ESM, reproducibly
    /// from <paramref name="seed"/>; the vocabulary is NT v1's or v2's, chosen by the vocabulary size.</summary>
    /// <param name="config">The shape.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <param name="withLanguageModelHead">Whether to build the masked-LM head as well.</param>
    /// <param name="name">The name used in logs and saved configurations.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    public static NucleotideTransformerModel FromConfig(EsmConfig config, long seed = 0, bool withLanguageModelHead = false, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        config.Validate();
        TorchRuntime.EnsureApplied();
        var vocabulary = ReadVocabulary(directory: null, config);
        var model = new EsmEncoderModel(config, AttentionImplementation.Eager);
        try
        {
            model.InitializeWeights(seed);
            if (withLanguageModelHead)
            {
                // A seed of its own, so that adding the head later draws the same head.
                model.AddLanguageModelHead(unchecked(seed + 1));
            }

            model.eval();
            return new NucleotideTransformerModel(model, vocabulary, name);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Builds the masked-LM head, with weights drawn from <paramref name="seed"/>, unless it exists; the head
    /// is created on the model's device.</summary>
    /// <param name="seed">The seed of the head's weights.</param>
    public void AddLanguageModelHead(long seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (HasLanguageModelHead)
        {
            return;
        }

        var device = Device;
        var head = _model.AddLanguageModelHead(seed);
        head.to(device);
        head.train(_model.training);
        (_slots, _slotNames) = IndexSlots(_model);
        ApplyComputeType();
    }

    /// <summary>Runs the encoder. Gradients are recorded when autograd is enabled and the model's parameters require
    /// them; wrap the call in <c>torch.no_grad()</c> for inference.</summary>
    /// <param name="inputIds">Token ids [B, S] (int64) on the model's device, right-padded with the pad id.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, S] (int64).</param>
    /// <returns>The last hidden state [B, S, H] (float32), after the final LayerNorm.</returns>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        return _model.forward(inputIds, attentionMask);
    }

    /// <summary>Maps hidden states to vocabulary logits with the masked-LM head.</summary>
    /// <param name="hiddenStates">The output of <see cref="Encode"/> [B, S, H] (or any [..., H]).</param>
    /// <returns>The logits [..., V] (float32).</returns>
    /// <exception cref="InvalidOperationException">The model has no masked-LM head.</exception>
    public Tensor PredictTokens(Tensor hiddenStates)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(hiddenStates);
        var head = _model.LanguageModelHead
            ?? throw new InvalidOperationException("This model has no masked-LM head; call AddLanguageModelHead first.");
        return head.forward(hiddenStates);
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetModule(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (owner, slot) = FindSlot(name);
        return owner[slot];
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> ReplaceModule(string name, nn.Module<Tensor, Tensor> replacement)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(replacement);
        var (owner, slot) = FindSlot(name);
        var previous = owner[slot];
        owner.Replace(slot, replacement);
        return previous;
    }

    /// <summary>
    /// Computes a SHA-256 fingerprint of every tensor of the state dict as it is now (names, dtypes, shapes and bytes),
    /// so that work resumed on a model can be checked to start from the same weights.
    /// </summary>
    /// <returns>The fingerprint, 64 lower-case hexadecimal digits.</returns>
    public string ComputeWeightsFingerprint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lines = StateDictDigest.Compute(_model).Select(e => e.ToCanonicalLine());
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <inheritdoc />
    public void SetTrainingMode(bool training)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _model.train(training);
    }

    /// <inheritdoc />
    public void MoveTo(Device device)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(device);
        _model.to(device);
    }

    /// <summary>
    /// Saves the model in the Hugging Face layout: <c>config.json</c>, <c>vocab.txt</c> and <c>model.safetensors</c>
    /// (float32, with the masked-LM head when it is built), each written atomically. Adapters must be merged and
    /// removed first: the file holds plain projections only.
    /// </summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <exception cref="InvalidOperationException">A projection is still replaced by another module.</exception>
    public void SavePretrained(string directory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var wrapped = _slotNames.Where(n => GetModule(n) is not Linear).ToList();
        if (wrapped.Count > 0)
        {
            throw new InvalidOperationException(
                $"{wrapped.Count} projection(s) are replaced by other modules (first: '{wrapped[0]}'); merge and remove the adapters before saving a plain checkpoint.");
        }

        Directory.CreateDirectory(directory);
        StateDictSaver.Save(_model, Path.Combine(directory, "model.safetensors"), new StateDictSaveOptions { FloatingPointDType = SafetensorsDType.F32 });
        WriteText(Path.Combine(directory, "config.json"), Config.ToHuggingFaceJson());
        WriteText(Path.Combine(directory, "vocab.txt"), string.Join('\n', Vocabulary.Tokens) + "\n");
    }

    private void ApplyComputeType()
    {
        foreach (var (_, module) in _model.named_modules())
        {
            if (module is IHasProjections owner)
            {
                owner.Projections.InputType = _computeType;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _model.Dispose();
    }

    private static void WriteText(string path, string text)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        AtomicFile.Write(path, stream => stream.Write(bytes), OperatingSystemFileSystem.Instance);
    }

    private static NucleotideVocabulary ReadVocabulary(string? directory, EsmConfig config)
    {
        if (directory is not null)
        {
            var vocabFile = Path.Combine(directory, "vocab.txt");
            if (File.Exists(vocabFile))
            {
                return NucleotideVocabulary.FromFile(vocabFile, config.VocabSize);
            }
        }

        return config.VocabSize switch
        {
            4105 => NucleotideVocabulary.V1,
            4107 => NucleotideVocabulary.V2,
            _ => throw new ModelConfigurationException(
                $"vocab_size {config.VocabSize} is neither NT v1 (4105) nor v2 (4107); put the model's vocab.txt beside config.json."),
        };
    }

    private (ProjectionSlots Owner, string Slot) FindSlot(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _slots.TryGetValue(name, out var found)
            ? found
            : throw new ArgumentException(
                $"'{name}' is not a replaceable module of {Name}; replaceable modules are projections such as '{_slotNames.FirstOrDefault()}' (see ReplaceableModuleNames).",
                nameof(name));
    }

    private static (Dictionary<string, (ProjectionSlots, string)> Slots, string[] Names) IndexSlots(EsmEncoderModel model)
    {
        var slots = new Dictionary<string, (ProjectionSlots, string)>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (slot, owner) in SlotsOf(model))
        {
            slots[slot] = owner;
            names.Add(slot);
        }

        names.Sort(CompareModuleNames);
        return (slots, names.ToArray());
    }

    /// <summary>Orders dotted names segment by segment, numeric segments by value (layer 2 before layer 10).</summary>
    private static int CompareModuleNames(string left, string right)
    {
        var a = left.Split('.');
        var b = right.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var order = long.TryParse(a[i], out var x) && long.TryParse(b[i], out var y)
                ? x.CompareTo(y)
                : string.CompareOrdinal(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static IEnumerable<(string Name, (ProjectionSlots Owner, string Slot) Owner)> SlotsOf(EsmEncoderModel model)
    {
        foreach (var (path, module) in model.named_modules())
        {
            if (module is IHasProjections owner)
            {
                foreach (var slot in owner.Projections.Names)
                {
                    yield return ($"{path}.{slot}", (owner.Projections, slot));
                }
            }
        }
    }
}
