using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Pretraining;

/// <summary>
/// Corrupts token batches for masked-LM training the way Hugging Face's <c>DataCollatorForLanguageModeling</c> does:
/// every eligible token is selected with <see cref="MaskedTokenSamplerOptions.SelectionProbability"/>; a selected
/// token becomes <c>&lt;mask&gt;</c> with <see cref="MaskedTokenSamplerOptions.MaskReplacementProbability"/>, else a
/// token drawn uniformly from the vocabulary with <see cref="MaskedTokenSamplerOptions.RandomReplacementProbability"/>
/// (relative to all selected tokens), else it keeps its id. The labels hold the original ids at the selected
/// positions and <see cref="MaskedLanguageModelLoss.IgnoreIndex"/> elsewhere.
/// </summary>
/// <remarks>
/// <para>
/// Eligible tokens are those with attention-mask 1 whose id is not special: <c>&lt;unk&gt;</c>, <c>&lt;pad&gt;</c>,
/// <c>&lt;mask&gt;</c>, <c>&lt;cls&gt;</c>, and <c>&lt;eos&gt;</c>/<c>&lt;bos&gt;</c> where the vocabulary lists them,
/// are never selected. Random replacements are drawn from every id that has a row in the model's embedding table
/// (<see cref="NucleotideVocabulary.EmbeddingSize"/>, special ids included, as Hugging Face draws from the whole
/// vocabulary).
/// </para>
/// <para>
/// All draws come from the sampler's own CPU <see cref="Generator"/>, in Hugging Face's order (selection, mask
/// replacement, random replacement, random ids), whatever the device of the batch; the result is moved to the batch's
/// device. The same seed and the same batches give the same masks; <see cref="GetState"/> and <see cref="SetState"/>
/// capture and restore the generator so a resumed run continues the same sequence. Not thread-safe.
/// </para>
/// </remarks>
public sealed class MaskedTokenSampler : IDisposable
{
    private readonly MaskedTokenSamplerOptions _options;
    private readonly long[] _specialIds;
    private readonly Generator _generator;
    private bool _disposed;

    /// <summary>Creates a sampler for a vocabulary.</summary>
    /// <param name="vocabulary">The model's vocabulary (special ids, mask id, embedding size).</param>
    /// <param name="options">The probabilities; <see langword="null"/> for the defaults (15%, 80/10/10).</param>
    /// <param name="seed">The seed of the generator.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public MaskedTokenSampler(NucleotideVocabulary vocabulary, MaskedTokenSamplerOptions? options = null, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _options = options?.Clone() ?? new MaskedTokenSamplerOptions();
        _options.Validate();
        TorchRuntime.EnsureApplied();
        MaskTokenId = vocabulary.MaskTokenId;
        RandomTokenCount = vocabulary.EmbeddingSize;
        _specialIds = SpecialIdsOf(vocabulary);
        _generator = new Generator(unchecked((ulong)seed));
    }

    /// <summary>Gets the id written at the positions replaced by <c>&lt;mask&gt;</c>.</summary>
    public long MaskTokenId { get; }

    /// <summary>Gets the number of ids random replacements are drawn from (ids 0 to this minus 1).</summary>
    public long RandomTokenCount { get; }

    /// <summary>Gets the ids never selected, in increasing order.</summary>
    public IReadOnlyList<long> SpecialTokenIds => _specialIds;

    /// <summary>Selects and corrupts tokens of a batch.</summary>
    /// <param name="inputIds">Token ids [B, S] (int64), right-padded; not modified.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, S] (int64), on the same device.</param>
    /// <returns>The corrupted inputs, an alias of the attention mask, and the labels; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The tensors are not two-dimensional int64 tensors of the same shape.</exception>
    public MaskedBatch Mask(Tensor inputIds, Tensor attentionMask)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"The input ids must be a [batch, sequence] int64 tensor; got {inputIds.dtype} of shape [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        }

        if (!attentionMask.shape.SequenceEqual(inputIds.shape) || attentionMask.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"The attention mask must be an int64 tensor of the ids' shape [{string.Join(", ", inputIds.shape)}]; got {attentionMask.dtype} of shape [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));
        }

        using var scope = torch.NewDisposeScope();
        var device = inputIds.device;
        var ids = inputIds.to(CPU);
        var eligible = attentionMask.to(CPU).ne(ScalarConstants.Zero);
        foreach (var special in _specialIds)
        {
            using var specialId = special.ToScalar();
            eligible = eligible.logical_and(ids.ne(specialId));
        }

        var shape = ids.shape;
        using var selectionProbability = _options.SelectionProbability.ToScalar();
        using var ignoreIndex = MaskedLanguageModelLoss.IgnoreIndex.ToScalar();
        using var maskReplacementProbability = _options.MaskReplacementProbability.ToScalar();
        using var maskTokenId = MaskTokenId.ToScalar();
        var selectionOdds = torch.full(shape, selectionProbability, ScalarType.Float32).masked_fill(eligible.logical_not(), ScalarConstants.ZeroDouble);
        var selected = torch.bernoulli(selectionOdds, _generator).to(ScalarType.Bool);
        var labels = ids.masked_fill(selected.logical_not(), ignoreIndex);

        var replaced = torch.bernoulli(torch.full(shape, maskReplacementProbability, ScalarType.Float32), _generator).to(ScalarType.Bool).logical_and(selected);
        var inputs = ids.masked_fill(replaced, maskTokenId);

        var remaining = 1.0 - _options.MaskReplacementProbability;
        if (_options.RandomReplacementProbability > 0 && remaining > 0)
        {
            // Of the selected tokens not masked, the share that gets a random id, so that it is RandomReplacementProbability of all.
            var scaled = Math.Min(1.0, _options.RandomReplacementProbability / remaining);
            using var randomReplacementShare = scaled.ToScalar();
            var randomised = torch.bernoulli(torch.full(shape, randomReplacementShare, ScalarType.Float32), _generator).to(ScalarType.Bool)
                .logical_and(selected).logical_and(replaced.logical_not());
            var randomIds = torch.randint(RandomTokenCount, shape, dtype: ScalarType.Int64, generator: _generator);
            inputs = torch.where(randomised, randomIds, inputs);
        }

        var count = selected.sum().item<long>();
        var batch = new MaskedBatch(inputs.to(device), attentionMask.alias(), labels.to(device), count);
        scope.MoveToOuter(batch.InputIds, batch.AttentionMask, batch.Labels);
        return batch;
    }

    /// <summary>Returns the state of the sampler's generator, to be restored with <see cref="SetState"/>.</summary>
    /// <returns>The state (libtorch's CPU generator state bytes).</returns>
    public byte[] GetState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var state = _generator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Restores a state returned by <see cref="GetState"/>: the next draws are those that followed it.</summary>
    /// <param name="state">The state bytes.</param>
    /// <exception cref="ArgumentException">The bytes are not a CPU generator state.</exception>
    public void SetState(ReadOnlySpan<byte> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var expected = _generator.get_state();
        if (state.Length != expected.numel())
        {
            throw new ArgumentException($"A generator state has {expected.numel()} bytes; got {state.Length}.", nameof(state));
        }

        using var tensor = torch.tensor(state.ToArray(), ScalarType.Byte);
        try
        {
            _generator.set_state(tensor);
        }
        catch (ExternalException ex)
        {
            throw new ArgumentException($"The bytes are not a valid generator state: {ex.Message}", nameof(state), ex);
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
        _generator.Dispose();
    }

    private static long[] SpecialIdsOf(NucleotideVocabulary vocabulary)
    {
        var ids = new SortedSet<long> { vocabulary.UnkTokenId, vocabulary.PadTokenId, vocabulary.MaskTokenId, vocabulary.ClsTokenId };
        foreach (var token in (string[])["<eos>", "<bos>"])
        {
            if (vocabulary.TryGetId(token, out var id))
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
