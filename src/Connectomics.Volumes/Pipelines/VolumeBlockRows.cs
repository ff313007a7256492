using System.Globalization;
using Connectomics.Pipelines;
using Connectomics.Stores;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// How a volume block becomes table rows: one per block, cell or point (<see cref="VolumeBlock.Rows"/>), with the
/// columns <c>block_id</c> int64, <c>level</c> int32, <c>z0 y0 x0 z1 y1 x1</c> int64 (the row's box, half-open: the
/// write box, the cell, or the point's voxel), <c>cz cy cx</c> double (the box's centre in nanometres,
/// <c>(start + stop) / 2 × voxel size</c>), <c>source</c> utf8 and <c>filled</c> float (the share of the box's voxels
/// that are not the fill value); point rows also carry <c>point_id</c> utf8, <c>z y x</c> int64 and the points' extra
/// columns. Row ids: <c>b&lt;block id&gt;</c>, <c>b&lt;block id&gt;/c&lt;cell index&gt;</c> (C order in the block), or the
/// point's id.
/// </summary>
public sealed class VolumeBlockRows : IMultiRowRecords<VolumeBlock>
{
    /// <summary>The block id column.</summary>
    public const string BlockIdColumn = "block_id";

    /// <summary>The pyramid level column.</summary>
    public const string LevelColumn = "level";

    /// <summary>The source column (array or scale name).</summary>
    public const string SourceColumn = "source";

    /// <summary>The filled share column.</summary>
    public const string FilledColumn = "filled";

    /// <summary>The point id column of point rows.</summary>
    public const string PointIdColumn = "point_id";

    private static readonly string[] BoxColumns = ["z0", "y0", "x0", "z1", "y1", "x1"];
    private static readonly string[] CentreColumns = ["cz", "cy", "cx"];
    private static readonly string[] PointColumns = ["z", "y", "x"];

    internal VolumeBlockRows(RowGranularity granularity, IReadOnlyList<RecordColumn> pointColumns)
    {
        var columns = new List<RecordColumn>
        {
            new(BlockIdColumn, RecordColumnType.Int64, Nullable: false),
            new(LevelColumn, RecordColumnType.Int32, Nullable: false),
        };
        columns.AddRange(BoxColumns.Select(c => new RecordColumn(c, RecordColumnType.Int64, Nullable: false)));
        columns.AddRange(CentreColumns.Select(c => new RecordColumn(c, RecordColumnType.Double, Nullable: false)));
        columns.Add(new(SourceColumn, RecordColumnType.String, Nullable: false));
        columns.Add(new(FilledColumn, RecordColumnType.Float, Nullable: false));
        if (granularity == RowGranularity.Point)
        {
            columns.Add(new(PointIdColumn, RecordColumnType.String, Nullable: false));
            columns.AddRange(PointColumns.Select(c => new RecordColumn(c, RecordColumnType.Int64, Nullable: false)));
            columns.AddRange(pointColumns);
        }

        Columns = columns;
    }

    /// <summary>Gets the columns every row carries besides its id and vector, in table order.</summary>
    public IReadOnlyList<RecordColumn> Columns { get; }

    /// <summary>Gets the id of a block's record (and of its row when a row is a block): <c>b&lt;id&gt;</c>.</summary>
    /// <param name="blockId">The block's id.</param>
    /// <returns>The id.</returns>
    public static string BlockRowId(long blockId) => string.Create(CultureInfo.InvariantCulture, $"b{blockId}");

    /// <inheritdoc/>
    public string? GetId(VolumeBlock record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return BlockRowId(record.Block.Id);
    }

    /// <inheritdoc/>
    public object? GetValue(VolumeBlock record, RecordColumn column)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(column);
        return record.Rows.Count > 0
            ? GetRowValue(record, 0, column)
            : Value(record, new BlockRow(BlockRowId(record.Block.Id), record.Block.WriteBox, 0), column);
    }

    /// <inheritdoc/>
    public int GetRowCount(VolumeBlock record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Rows.Count;
    }

    /// <inheritdoc/>
    public string GetRowId(VolumeBlock record, int row)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Rows[row].Id;
    }

    /// <inheritdoc/>
    public object? GetRowValue(VolumeBlock record, int row, RecordColumn column)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(column);
        return Value(record, record.Rows[row], column);
    }

    private static object? Value(VolumeBlock record, BlockRow row, RecordColumn column)
    {
        var box = row.Box;
        return column.Name switch
        {
            BlockIdColumn => record.Block.Id,
            LevelColumn => record.Level,
            "z0" => box.Start.Z,
            "y0" => box.Start.Y,
            "x0" => box.Start.X,
            "z1" => box.Stop.Z,
            "y1" => box.Stop.Y,
            "x1" => box.Stop.X,
            "cz" => (box.Start.Z + box.Stop.Z) / 2.0 * record.VoxelSize.Z,
            "cy" => (box.Start.Y + box.Stop.Y) / 2.0 * record.VoxelSize.Y,
            "cx" => (box.Start.X + box.Stop.X) / 2.0 * record.VoxelSize.X,
            SourceColumn => record.Source,
            FilledColumn => row.Filled,
            PointIdColumn => row.Point is null ? null : row.Id,
            "z" => row.Point?.Z,
            "y" => row.Point?.Y,
            "x" => row.Point?.X,
            _ => row.Values.TryGetValue(column.Name, out var value) ? value : null,
        };
    }
}
