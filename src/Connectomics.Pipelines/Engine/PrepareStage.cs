using System.Globalization;
using System.Threading.Channels;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The prepare stage: several workers take whole chunks and prepare each record that is not already bad and makes at
/// least one row; a record the model cannot use, or with too many unknown units, becomes bad. Chunks leave in any order; the write stage
/// restores it.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class PrepareStage<TRecord>
{
    private readonly RunContext<TRecord> _run;

    public PrepareStage(RunContext<TRecord> run) => _run = run;

    public Task RunAsync(ChannelReader<ChunkInFlight<TRecord>> input, ChannelWriter<ChunkInFlight<TRecord>> output) =>
        StageWorkers.RunAsync(_run.Failure, _run.Options.PrepareWorkers, () => WorkAsync(input, output), output);

    private async Task WorkAsync(ChannelReader<ChunkInFlight<TRecord>> input, ChannelWriter<ChunkInFlight<TRecord>> output)
    {
        var token = _run.Failure.Token;
        var model = _run.Pipeline.Model;
        var maxShare = _run.Options.MaxUnknownShare;
        await foreach (var item in input.ReadAllAsync(token).ConfigureAwait(false))
        {
            var records = item.Chunk.Records;
            for (var i = 0; i < records.Count; i++)
            {
                if (item.Bad[i] is not null || item.RowCounts[i] == 0)
                {
                    continue;
                }

                var prepared = model.Prepare(records[i]);
                item.Prepared[i] = prepared;
                if (!prepared.IsUsable)
                {
                    item.Bad[i] = (BadRecordKind.Unusable, prepared.Problem!);
                    continue;
                }

                // The share is over the record's own units: a <cls> the model adds is neither known nor unknown input.
                var own = prepared.Cost - prepared.AddedUnits;
                item.Units += own;
                item.UnknownUnits += prepared.UnknownUnits;
                var share = (double)prepared.UnknownUnits / own;
                if (share > maxShare)
                {
                    item.Bad[i] = (BadRecordKind.UnknownUnits, string.Create(CultureInfo.InvariantCulture,
                        $"{prepared.UnknownUnits} of its {own} model units are unknown ({share:P1}), more than the {maxShare:P1} allowed."));
                }
            }

            PipelineFaults.Reach(PipelineFaults.ChunkPrepared);
            await output.WriteAsync(item, token).ConfigureAwait(false);
        }
    }
}
