using System.Runtime.CompilerServices;
using Connectomics.Embeddings;
using Connectomics.Volumes.Telemetry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// Passes a volume model through and counts the blocks it embeds: each embedded block records
/// <c>connectomics.volume.blocks.completed</c> and its <c>block.duration</c> (from the start of its read to the end of
/// its encoding). The caller keeps the model; disposing this disposes nothing.
/// </summary>
internal sealed class MeasuredBlockModel : IEmbeddingModel<VolumeBlock>
{
    private readonly IVolumeEmbeddingModel _model;
    private readonly VolumeBlockSource _source;
    private readonly VolumeMetrics _metrics;
    private readonly ConditionalWeakTable<PreparedInput, StrongBox<long>> _blocks = [];
    private long _embedded;

    public MeasuredBlockModel(IVolumeEmbeddingModel model, VolumeBlockSource source, VolumeMetrics metrics)
    {
        _model = model;
        _source = source;
        _metrics = metrics;
    }

    public ModelDescriptor Descriptor => _model.Descriptor;

    public long BlocksEmbedded => Interlocked.Read(ref _embedded);

    public PreparedInput Prepare(VolumeBlock input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var prepared = _model.Prepare(input);
        if (prepared.IsUsable)
        {
            _blocks.AddOrUpdate(prepared, new StrongBox<long>(input.Block.Id));
        }

        return prepared;
    }

    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        var vectors = await _model.EncodeAsync(inputs, cancellationToken).ConfigureAwait(false);
        foreach (var input in inputs)
        {
            if (_blocks.TryGetValue(input, out var id))
            {
                _blocks.Remove(input);
                Interlocked.Increment(ref _embedded);
                if (_source.TakeElapsed(id.Value) is { } elapsed)
                {
                    _metrics.BlockCompleted(elapsed);
                }
            }
        }

        return vectors;
    }

    public void Dispose()
    {
    }
}
