using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;
using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// Where an embedder's encoder comes from: a Hugging Face checkpoint directory, or a shape with random weights drawn
/// reproducibly from a seed. Reads the configuration and the vocabulary, and loads the weights into the master
/// model that the replicas start from.
/// </summary>
/// <param name="Checkpoint">The checkpoint directory, or <see langword="null"/> for random weights.</param>
/// <param name="Config">The shape when there is no checkpoint.</param>
/// <param name="Seed">The seed of random weights.</param>
/// <param name="Name">The name used in logs and metrics.</param>
internal sealed record EncoderSource(string? Checkpoint, EsmConfig? Config, long Seed, string Name)
{
    /// <summary>Gets the in-memory model whose weights are copied, or <see langword="null"/>.</summary>
    public NucleotideTransformerModel? Model { get; init; }

    /// <summary>Reads the model's configuration (<c>config.json</c> of a checkpoint).</summary>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelConfigurationException">The checkpoint's configuration cannot be used.</exception>
    public EsmConfig ReadConfig() => Checkpoint is null ? Config! : EsmConfig.FromHuggingFaceFile(Checkpoint);

    /// <summary>Chooses the vocabulary: the checkpoint's <c>vocab.txt</c>, else the NT v1 or v2 one by size.</summary>
    /// <param name="config">The model's configuration.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ModelConfigurationException">The vocabulary size is neither NT v1's nor v2's and there is no
    /// <c>vocab.txt</c>.</exception>
    public NucleotideVocabulary ReadVocabulary(EsmConfig config)
    {
        if (Model is not null)
        {
            return Model.Vocabulary;
        }

        if (Checkpoint is not null)
        {
            var vocabFile = Path.Combine(Checkpoint, "vocab.txt");
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

    /// <summary>Creates the master model on the CPU with its weights (the checkpoint's, or seeded random ones), in
    /// evaluation mode.</summary>
    /// <param name="config">The model's configuration.</param>
    /// <param name="attention">How attention is computed.</param>
    /// <param name="logger">Receives what was loaded.</param>
    /// <returns>The model; the caller owns it.</returns>
    public EsmEncoderModel LoadWeights(EsmConfig config, AttentionImplementation attention, ILogger logger)
    {
        var master = new EsmEncoderModel(config, attention);
        try
        {
            if (Model is not null)
            {
                CopyWeights(Model, master);
            }
            else if (Checkpoint is null)
            {
                master.InitializeWeights(Seed);
            }
            else
            {
                var loaded = StateDictLoader.Load(master, Checkpoint);
                Log.WeightsLoaded(logger, Name, loaded.LoadedKeys.Count, loaded.CheckpointPath);
            }

            master.eval();
            return master;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    private static void CopyWeights(NucleotideTransformerModel source, EsmEncoderModel target)
    {
        var wrapped = source.ReplaceableModuleNames.FirstOrDefault(n => source.GetModule(n) is not TorchSharp.Modules.Linear);
        if (wrapped is not null)
        {
            throw new InvalidOperationException(
                $"The model's projection '{wrapped}' is replaced by another module; merge and remove adapters before building an embedder from it.");
        }

        var weights = source.Module.state_dict();
        using var noGrad = TorchSharp.torch.no_grad();
        foreach (var (name, tensor) in target.state_dict())
        {
            if (!weights.TryGetValue(name, out var value))
            {
                throw new InvalidOperationException($"The model has no tensor '{name}'.");
            }

            tensor.copy_(value);
        }
    }
}
