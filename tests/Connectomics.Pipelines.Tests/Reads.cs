using Connectomics.Sequences;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests;

/// <summary>Synthetic reads: deterministic sequences of varied lengths with a <c>depth</c> column.</summary>
public static class Reads
{
    public static readonly IReadOnlyList<RecordColumn> Columns = [new RecordColumn("depth", RecordColumnType.Int32)];

    public static SequenceRecord Read(string id, string sequence, int depth = 1) =>
        new(id, sequence) { Metadata = new Dictionary<string, object?> { ["depth"] = depth } };

    /// <summary>Units of the given sizes; record <c>i</c> of unit <c>u</c> is <c>u{u}-r{i}</c>, 5 to 34 residues long.</summary>
    public static List<IReadOnlyList<SequenceRecord>> Units(params int[] sizes) =>
        sizes.Select((size, u) => (IReadOnlyList<SequenceRecord>)Enumerable.Range(0, size)
            .Select(i => Read($"u{u}-r{i}", Sequence((u * 1000) + i), depth: (u * 1000) + i))
            .ToList()).ToList();

    public static string Sequence(int seed)
    {
        var random = new Random(seed);
        return new string(Enumerable.Range(0, 5 + random.Next(30)).Select(_ => "ACGT"[random.Next(4)]).ToArray());
    }
}
