using Connectomics.Stores;

namespace Connectomics.LanceWriterProcess;

/// <summary>The vector table the store commands create and the rows they write.</summary>
internal static class StoreTables
{
    /// <summary>Gets the definition: a <c>depth</c> (int64) and a <c>label</c> (string) column, and metadata naming the model.</summary>
    public static VectorTableDefinition Definition(string name, int dimension) =>
        new(name, [new RecordColumn("depth", RecordColumnType.Int64), new RecordColumn("label", RecordColumnType.String)], dimension)
        {
            Metadata = new Dictionary<string, string> { ["model"] = "tiny", ["fingerprint"] = "f00d" },
        };

    /// <summary>Gets <paramref name="rows"/> rows with ids <c>&lt;prefix&gt;-&lt;k&gt;</c>, depth k and vector (k, k + 1, …).</summary>
    public static VectorBatch Rows(string prefix, int rows, int dimension)
    {
        var ids = Enumerable.Range(0, rows).Select(k => $"{prefix}-{k}").ToArray();
        var depth = Enumerable.Range(0, rows).Select(k => (object?)(long)k).ToArray();
        var label = Enumerable.Range(0, rows).Select(k => (object?)$"label {k}").ToArray();
        var vectors = Enumerable.Range(0, rows).SelectMany(k => Enumerable.Range(0, dimension).Select(d => (float)(k + d))).ToArray();
        return new VectorBatch(ids, [depth, label], vectors, dimension);
    }
}
