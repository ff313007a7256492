using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests;

/// <summary>Compares tables row by row, vectors bit for bit.</summary>
public static class RowAssert
{
    public static void Identical(IReadOnlyList<StoredRow> expected, IReadOnlyList<StoredRow> actual)
    {
        Assert.Equal(expected.Select(r => r.Id), actual.Select(r => r.Id));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Columns, actual[i].Columns);
            Assert.Equal(Bits(expected[i].Vector), Bits(actual[i].Vector));
        }
    }

    public static void NoDuplicates(IEnumerable<StoredRow> rows)
    {
        var ids = rows.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    public static int[] Bits(float[] vector) => vector.Select(BitConverter.SingleToInt32Bits).ToArray();
}
