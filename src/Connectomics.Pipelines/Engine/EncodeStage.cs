using System.Threading.Channels;
using Connectomics.Embeddings;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The encode stage: several workers take whole chunks and encode their good records that make rows in groups of like
/// cost under the token budget (<see cref="TokenBudgetGroups"/>), so equal chunks make equal calls into the model. A
/// record of <c>n</c> rows gets one memory of <c>n × dimension</c> values back, the rows one after another.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class EncodeStage<TRecord>
{
    private readonly RunContext<TRecord> _run;

    public EncodeStage(RunContext<TRecord> run) => _run = run;

    public Task RunAsync(ChannelReader<ChunkInFlight<TRecord>> input, ChannelWriter<ChunkInFlight<TRecord>> output) =>
        StageWorkers.RunAsync(_run.Failure, _run.Options.EncodeWorkers, () => WorkAsync(input, output), output);

    private async Task WorkAsync(ChannelReader<ChunkInFlight<TRecord>> input, ChannelWriter<ChunkInFlight<TRecord>> output)
    {
        var token = _run.Failure.Token;
        var model = _run.Pipeline.Model;
        var dimension = model.Descriptor.Dimension;
        var multiRow = _run.MultiRows is not null;
        var time = _run.Pipeline.TimeProvider;
        await foreach (var item in input.ReadAllAsync(token).ConfigureAwait(false))
        {
            var good = item.Encodable().ToList();
            foreach (var group in TokenBudgetGroups.Split(good, item.Prepared, _run.Options.TokensPerBatch))
            {
                var inputs = new PreparedInput[group.Count];
                long tokens = 0;
                for (var g = 0; g < group.Count; g++)
                {
                    inputs[g] = item.Prepared[group[g]]!;
                    tokens += inputs[g].Cost;
                }

                var started = time.GetTimestamp();
                var vectors = await model.EncodeAsync(inputs, token).ConfigureAwait(false);
                _run.Telemetry.EncodeDuration.Record(time.GetElapsedTime(started).TotalSeconds, _run.Tags);
                _run.Telemetry.Batches.Add(1, _run.Tags);
                _run.Telemetry.Tokens.Add(tokens, _run.Tags);
                if (vectors.Count != group.Count)
                {
                    throw new InvalidOperationException($"The model {model.Descriptor.Name} returned {vectors.Count} vectors for {group.Count} inputs.");
                }

                for (var g = 0; g < group.Count; g++)
                {
                    var rows = item.RowCounts[group[g]];
                    if (vectors[g].Length != (long)rows * dimension)
                    {
                        throw new InvalidOperationException(rows == 1 && !multiRow
                            ? $"The model {model.Descriptor.Name} returned a vector of {vectors[g].Length} values for record '{item.Ids[group[g]]}'; its dimension is {dimension}."
                            : $"The model {model.Descriptor.Name} returned {vectors[g].Length} values for record '{item.Ids[group[g]]}', which makes {rows} row(s) of dimension {dimension}: {(long)rows * dimension} values were due, the rows one after another.");
                    }

                    item.Vectors[group[g]] = vectors[g];
                }
            }

            PipelineFaults.Reach(PipelineFaults.ChunkEncoded);
            await output.WriteAsync(item, token).ConfigureAwait(false);
        }
    }
}
