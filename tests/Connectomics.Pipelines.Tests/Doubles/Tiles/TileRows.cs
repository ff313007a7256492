using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles.Tiles;

/// <summary>Row <c>r</c> of tile <c>t</c> is <c>t/r</c> with <c>label</c> = <c>100 · Label + r</c>.</summary>
public sealed class TileRows : IMultiRowRecords<Tile>
{
    public static readonly IReadOnlyList<RecordColumn> Columns = [new RecordColumn("label", RecordColumnType.Int64)];

    public string? GetId(Tile record) => record.Id;

    public object? GetValue(Tile record, RecordColumn column) =>
        throw new InvalidOperationException("A multi-row record's values are asked per row.");

    public int GetRowCount(Tile record) => record.Rows;

    public string GetRowId(Tile record, int row)
    {
        Assert.InRange(row, 0, record.Rows - 1);
        return $"{record.Id}/{row}";
    }

    public object? GetRowValue(Tile record, int row, RecordColumn column)
    {
        Assert.Equal("label", column.Name);
        Assert.InRange(row, 0, record.Rows - 1);
        return (100L * record.Label) + row;
    }
}
