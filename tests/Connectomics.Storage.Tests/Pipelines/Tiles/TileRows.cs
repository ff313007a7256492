using Connectomics.Pipelines;
using Connectomics.Stores;

namespace Connectomics.Storage.Tests.Pipelines.Tiles;

/// <summary>Row <c>r</c> of tile <c>t</c> is <c>t/r</c> with <c>cell</c> = <c>r</c> and <c>tile</c> = <c>t</c>.</summary>
public sealed class TileRows : IMultiRowRecords<Tile>
{
    public static readonly IReadOnlyList<RecordColumn> Columns = [new RecordColumn("tile", RecordColumnType.String, Nullable: false), new RecordColumn("cell", RecordColumnType.Int32, Nullable: false)];

    public string? GetId(Tile record) => record.Id;

    public object? GetValue(Tile record, RecordColumn column) => throw new InvalidOperationException("A multi-row record's values are asked per row.");

    public int GetRowCount(Tile record) => record.Rows;

    public string GetRowId(Tile record, int row) => $"{record.Id}/{row}";

    public object? GetRowValue(Tile record, int row, RecordColumn column) => column.Name == "tile" ? record.Id : row;
}
