using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Storage.Tests;

/// <summary>Reads units of a chunk source whole, for assertions.</summary>
internal static class ChunkReads
{
    public static async Task<List<RecordChunk<SequenceRecord>>> ReadAsync(IChunkSource<SequenceRecord> source, WorkUnit unit, long offset, int chunkSize)
    {
        var chunks = new List<RecordChunk<SequenceRecord>>();
        await foreach (var chunk in source.ReadAsync(unit, offset, chunkSize))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>Describes each record of a unit (usable or rejected) by its offset, in order.</summary>
    public static IEnumerable<string> Describe(IEnumerable<RecordChunk<SequenceRecord>> chunks) => chunks.SelectMany(chunk =>
        chunk.Records.Select(r => $"{r.Id}|{r.Sequence}|{string.Join(",", r.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}")
            .Concat(chunk.Rejected.Select(r => $"rejected {r.Offset} {r.RecordId} {r.Reason}")));

    /// <summary>Checks that a unit read from every chunk-aligned offset gives the chunks of the full read from there on.</summary>
    public static async Task AssertResumableAsync(IChunkSource<SequenceRecord> source, WorkUnit unit, int chunkSize)
    {
        var full = await ReadAsync(source, unit, 0, chunkSize);
        Assert.Equal(0, full[0].Offset);
        for (var i = 0; i < full.Count; i++)
        {
            Assert.Equal(i * (long)chunkSize, full[i].Offset);
            Assert.Equal(i == full.Count - 1, full[i].EndOfUnit);
            if (i < full.Count - 1)
            {
                Assert.Equal(chunkSize, full[i].Count);
            }
        }

        var total = full[^1].Next;
        for (long offset = 0; offset <= total; offset += chunkSize)
        {
            var resumed = await ReadAsync(source, unit, offset, chunkSize);
            var expected = full.Where(c => c.Offset >= offset).ToList();
            if (expected.Count == 0)
            {
                var empty = Assert.Single(resumed);
                Assert.Equal((offset, 0, true), (empty.Offset, empty.Count, empty.EndOfUnit));
                continue;
            }

            Assert.Equal(expected.Select(c => (c.Offset, c.Count, c.EndOfUnit)), resumed.Select(c => (c.Offset, c.Count, c.EndOfUnit)));
            Assert.Equal(Describe(expected), Describe(resumed));
        }
    }
}
