using System.Globalization;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// The classification head: a pooled read embedding [B, H] → dropout → one linear classifier per rank
/// (H → the rank's label count), giving seven logits tensors [B, n_r]. Parameters are named
/// <c>classifiers.{rank}.weight</c> and <c>classifiers.{rank}.bias</c> (rank in lower case: <c>kingdom</c> …
/// <c>species</c>).
/// </summary>
/// <remarks>
/// Weights are drawn as Hugging Face initialises a linear layer (normal(0, 0.02) weights, zero biases) from a seeded
/// generator, so the same labels, size and seed give the same head. <see cref="Save"/> writes
/// <see cref="WeightsFileName"/> and <see cref="LabelsFileName"/> side by side. A rank with no label in training has
/// a classifier with no outputs. Not thread-safe while training.
/// </remarks>
public sealed class TaxonomyHead : nn.Module<Tensor, Tensor[]>
{
    /// <summary>The file name of the head's weights in a saved directory.</summary>
    public const string WeightsFileName = "taxonomy_head.safetensors";

    /// <summary>The file name of the label vocabularies in a saved directory.</summary>
    public const string LabelsFileName = "taxonomy_labels.json";

    private readonly Dropout _dropout;
    private readonly ModuleDict<Linear> _classifiers;
    private readonly Linear[] _byRank;

    /// <summary>Initializes a head for <paramref name="labels"/> over embeddings of <paramref name="hiddenSize"/>.</summary>
    /// <param name="labels">The label vocabularies; their counts fix each classifier's outputs.</param>
    /// <param name="hiddenSize">The size of the pooled embedding (the encoder's hidden size).</param>
    /// <param name="dropout">The dropout probability on the pooled embedding in training mode, in [0, 1).</param>
    /// <param name="seed">The seed of the initial weights.</param>
    public TaxonomyHead(TaxonomyLabels labels, long hiddenSize, double dropout = 0.0, long seed = 0)
        : base(nameof(TaxonomyHead))
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The head's dropout must be in [0, 1).");
        }

        TorchRuntime.EnsureApplied();
        Labels = labels;
        HiddenSize = hiddenSize;
        DropoutProbability = dropout;
        _dropout = nn.Dropout(dropout);
        _byRank = new Linear[TaxonomyPath.RankCount];
        var named = new (string, Linear)[TaxonomyPath.RankCount];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            _byRank[r] = nn.Linear(hiddenSize, labels.CountAt((TaxonomyRank)r), hasBias: true);
            named[r] = (TaxonomyLabels.RankName((TaxonomyRank)r), _byRank[r]);
        }

        _classifiers = nn.ModuleDict(named);
        register_module("dropout", _dropout);
        register_module("classifiers", _classifiers);
        Initialize(seed);
    }

    /// <summary>Gets the label vocabularies the classifiers predict.</summary>
    public TaxonomyLabels Labels { get; }

    /// <summary>Gets the size of the pooled embedding the head takes.</summary>
    public long HiddenSize { get; }

    /// <summary>Gets the dropout probability applied to the pooled embedding in training mode.</summary>
    public double DropoutProbability { get; }

    /// <summary>Computes the seven logits tensors; same as <see cref="forward"/>.</summary>
    /// <param name="pooled">Pooled embeddings [B, H] on the head's device.</param>
    /// <returns>Logits [B, n_r] per rank, kingdom first.</returns>
    public Tensor[] Forward(Tensor pooled) => forward(pooled);

    /// <summary>Computes the seven logits tensors.</summary>
    /// <param name="input">Pooled embeddings [B, H] on the head's device.</param>
    /// <returns>Logits [B, n_r] per rank, kingdom first.</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not [B, H].</exception>
    public override Tensor[] forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 2 || input.shape[1] != HiddenSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The taxonomy head takes pooled embeddings [B, {HiddenSize}], not [{string.Join(", ", input.shape)}]."), nameof(input));
        }

        using var dropped = _dropout.call(input);
        var logits = new Tensor[TaxonomyPath.RankCount];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            logits[r] = _byRank[r].call(dropped);
        }

        return logits;
    }

    /// <summary>Gets the classifier of a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The linear layer (H → the rank's label count).</returns>
    public Linear ClassifierAt(TaxonomyRank rank) => _byRank[TaxonomyPath.RankIndex(rank)];

    /// <summary>Saves the head into <paramref name="directory"/>: the weights as <see cref="WeightsFileName"/>
    /// (float32 safetensors) and the labels as <see cref="LabelsFileName"/>, each written atomically.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        Labels.Save(Path.Combine(directory, LabelsFileName));
        var options = new StateDictSaveOptions();
        options.Metadata["connectomics.taxonomy_head.dropout"] = DropoutProbability.ToString("R", CultureInfo.InvariantCulture);
        StateDictSaver.Save(this, Path.Combine(directory, WeightsFileName), options);
    }

    /// <summary>Loads a head saved by <see cref="Save"/>, on the CPU, in evaluation mode.</summary>
    /// <param name="directory">The directory holding <see cref="WeightsFileName"/> and <see cref="LabelsFileName"/>.</param>
    /// <param name="dropout">The dropout to use in training mode (saved heads do not fix it).</param>
    /// <returns>The head.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="TaxonomyLabelsFormatException">The label file is malformed.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit the labels (names or shapes).</exception>
    public static TaxonomyHead Load(string directory, double dropout = 0.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var labels = TaxonomyLabels.Load(Path.Combine(directory, LabelsFileName));
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"The taxonomy head weights '{weightsPath}' do not exist.", weightsPath);
        }

        long hiddenSize;
        using (var checkpoint = SafetensorsCheckpoint.Open(weightsPath))
        {
            var key = "classifiers.kingdom.weight";
            if (!checkpoint.TryGetTensor(key, out var info) || info.Shape.Count != 2 || info.Shape[1] <= 0)
            {
                throw new TaxonomyLabelsFormatException(weightsPath, $"it holds no 2-D tensor '{key}' that gives the hidden size.", null);
            }

            hiddenSize = info.Shape[1];
        }

        var head = new TaxonomyHead(labels, hiddenSize, dropout);
        try
        {
            var options = new StateDictLoadOptions { BaseModelPrefix = null, IsOptionalKey = null };
            options.IgnoredKeyPrefixes.Clear();
            options.IgnoredKeys.Clear();
            StateDictLoader.Load(head, weightsPath, options);
            head.eval();
            return head;
        }
        catch
        {
            head.Dispose();
            throw;
        }
    }

    private void Initialize(long seed)
    {
        using var noGrad = torch.no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var linear in _byRank)
        {
            linear.weight!.normal_(0.0, 0.02, generator);
            nn.init.zeros_(linear.bias!);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _classifiers.Dispose();
            _dropout.Dispose();
        }

        base.Dispose(disposing);
    }
}
