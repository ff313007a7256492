using System.Buffers;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Files;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Table;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Search;

/// <summary>
/// Runs one <see cref="VectorQuery"/>. A first pass reads only the vector column and the filtered columns: workers
/// (one per processor) take batches (pages) from every fragment in turn, compute distances with
/// <see cref="VectorDistance"/> and keep their own <see cref="NearestCandidates"/> (with a copy of the vector when the
/// results include it). The workers' candidates are merged, and a second pass reads the other selected columns of
/// just the batches that hold the winners. Memory is bounded by one batch per worker plus <c>k</c> candidates per
/// worker.
/// </summary>
internal sealed class ExactSearch(
    LanceTable table,
    float[] query,
    string vectorColumn,
    DistanceMetric metric,
    int limit,
    IReadOnlyList<ColumnCondition> conditions,
    IReadOnlyList<string> columns)
{
    /// <summary>The largest page buffer the search pools (larger ones are allocated).</summary>
    private const int MaxPooledBuffer = 1 << 30;

    public async Task<RecordBatch> RunAsync(CancellationToken cancellationToken)
    {
        var winners = await FindNearestAsync(cancellationToken).ConfigureAwait(false);
        return await GatherAsync(winners, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<SearchCandidate>> FindNearestAsync(CancellationToken cancellationToken)
    {
        var scanColumns = new List<string> { vectorColumn };
        scanColumns.AddRange(conditions.Select(c => c.Column).Where(c => c != vectorColumn).Distinct(StringComparer.Ordinal));
        var conditionColumns = conditions.Select(c => scanColumns.IndexOf(c.Column)).ToArray();

        var scans = new List<FragmentScan>();
        try
        {
            for (var f = 0; f < table.FragmentCount; f++)
            {
                scans.Add(await table.OpenFragmentScanAsync(f, scanColumns, cancellationToken).ConfigureAwait(false));
            }

            var work = scans.SelectMany((scan, f) => Enumerable.Range(0, scan.BatchCount).Select(b => (Fragment: f, Batch: b))).ToList();
            var next = -1;

            // Page buffers are reused batch after batch rather than allocated for each page: a worker holds one batch
            // at a time. The pool belongs to this search, so the memory goes when it ends.
            var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, work.Count));
            var pool = ArrayPool<byte>.Create(MaxPooledBuffer, workers * 4);

            // A failing worker stops the others.
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            async Task<NearestCandidates> WorkAsync()
            {
                var nearest = new NearestCandidates(limit);
                var scratch = new float[query.Length];
                var rental = new PageBufferRental(pool);
                try
                {
                    int item;
                    while ((item = Interlocked.Increment(ref next)) < work.Count)
                    {
                        failed.Token.ThrowIfCancellationRequested();
                        var (fragment, batchIndex) = work[item];
                        var scan = scans[fragment];
                        try
                        {
                            using var batch = await scan.ReadBatchAsync(batchIndex, failed.Token, rental).ConfigureAwait(false);
                            ScoreBatch(batch, scan, fragment, batchIndex, conditionColumns, nearest, scratch);
                        }
                        finally
                        {
                            rental.ReturnAll();
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await failed.CancelAsync().ConfigureAwait(false);
                    throw;
                }

                return nearest;
            }

            var running = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken)).ToArray();

            // A fault outranks the cancellations it caused: the failing worker's exception is the one thrown.
            await Task.WhenAll(running).ConfigureAwait(false);
            var results = running.Select(t => t.Result).ToArray();
            var all = new List<SearchCandidate>();
            foreach (var result in results)
            {
                result.AddTo(all);
            }

            all.Sort();
            return all.Count > limit ? all[..limit] : all;
        }
        finally
        {
            foreach (var scan in scans)
            {
                scan.Dispose();
            }
        }
    }

    private void ScoreBatch(
        RecordBatch batch, FragmentScan scan, int fragment, int batchIndex, int[] conditionColumns, NearestCandidates nearest, float[] scratch)
    {
        var returnsVectors = columns.Contains(vectorColumn);
        var vectors = (FixedSizeListArray)batch.Column(0);
        var values = LanceVectors.Values(vectors);
        var dimension = query.Length;
        var keep = new bool[batch.Length];
        var start = scan.BatchStart(batchIndex);
        for (var r = 0; r < keep.Length; r++)
        {
            keep[r] = !vectors.IsNull(r) && !scan.IsDeleted(start + r);
        }

        for (var c = 0; c < conditions.Count; c++)
        {
            conditions[c].Apply(batch.Column(conditionColumns[c]), keep);
        }

        for (var r = 0; r < keep.Length; r++)
        {
            if (!keep[r])
            {
                continue;
            }

            var vector = values.Slice(r * dimension, dimension);
            var distance = VectorDistance.Compute(metric, vector, query, scratch);
            var candidate = new SearchCandidate(distance, fragment, batchIndex, start + r, r);
            if (!float.IsNaN(distance) && nearest.Accepts(candidate))
            {
                // A selected vector column travels with the candidate, so its (large) pages are not read twice.
                nearest.Offer(returnsVectors ? candidate with { Vector = vector.ToArray() } : candidate);
            }
        }
    }

    private async Task<RecordBatch> GatherAsync(List<SearchCandidate> winners, CancellationToken cancellationToken)
    {
        var fields = columns.Select(name => table.Schema.FieldsList.First(f => f.Name == name)).ToList();
        var schemaBuilder = new ArrowSchema.Builder();
        foreach (var field in fields)
        {
            schemaBuilder.Field(field);
        }

        var schema = schemaBuilder.Field(new Field(VectorQuery.DistanceColumn, FloatType.Default, true)).Build();

        // Each winner's row, column by column, in winner order; the vector column comes from the candidates.
        var fetched = columns.Where(c => c != vectorColumn).ToList();
        var pieces = fetched.Select(_ => new IArrowArray[winners.Count]).ToArray();
        if (fetched.Count > 0)
        {
            foreach (var byFragment in winners.Select((w, i) => (Winner: w, Index: i)).GroupBy(x => x.Winner.Fragment))
            {
                using var scan = await table.OpenFragmentScanAsync(byFragment.Key, fetched, cancellationToken).ConfigureAwait(false);
                foreach (var byBatch in byFragment.GroupBy(x => x.Winner.Batch))
                {
                    var batch = await scan.ReadBatchAsync(byBatch.Key, cancellationToken).ConfigureAwait(false);
                    foreach (var (winner, index) in byBatch)
                    {
                        for (var c = 0; c < fetched.Count; c++)
                        {
                            pieces[c][index] = ArrowArrayFactory.Slice(batch.Column(c), winner.RowInBatch, 1);
                        }
                    }
                }
            }
        }

        var arrays = new IArrowArray[fields.Count + 1];
        for (var c = 0; c < fields.Count; c++)
        {
            if (fields[c].Name == vectorColumn)
            {
                arrays[c] = VectorsOf(winners, (FixedSizeListType)fields[c].DataType);
                continue;
            }

            var column = pieces[fetched.IndexOf(fields[c].Name)];
            arrays[c] = column.Length switch
            {
                0 => new ColumnAccumulator(LanceSchemaConverter.Describe(fields[c].DataType)!).Build(),
                1 => column[0],
                _ => ArrowArrayConcatenator.Concatenate(column),
            };
        }

        var distances = new FloatArray.Builder().Reserve(winners.Count);
        foreach (var winner in winners)
        {
            distances.Append(winner.Distance);
        }

        arrays[^1] = distances.Build();
        return new RecordBatch(schema, arrays, winners.Count);
    }

    private static FixedSizeListArray VectorsOf(List<SearchCandidate> winners, FixedSizeListType type)
    {
        var values = new FloatArray.Builder().Reserve(winners.Count * type.ListSize);
        foreach (var winner in winners)
        {
            values.Append(winner.Vector);
        }

        return new FixedSizeListArray(new ArrayData(type, winners.Count, 0, 0, [ArrowBuffer.Empty], [values.Build().Data]));
    }
}
