using Apache.Arrow;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using ParquetSharp.Arrow;

namespace Connectomics.VolumesTool.Commands;

/// <summary>Reads the points of <c>embed --points FILE.parquet</c>: columns <c>id</c> (text or integer) and
/// <c>z</c>, <c>y</c>, <c>x</c> (integer voxel coordinates).</summary>
internal static class PointsFile
{
    public static List<VolumePoint> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The points file '{path}' does not exist.", path);
        }

        var points = new List<VolumePoint>();
        using var file = new FileReader(path);
        using var batches = file.GetRecordBatchReader();
        var row = 0L;
        while (batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
        {
            using (batch)
            {
                var ids = Column(batch, "id", path);
                var (z, y, x) = (Column(batch, "z", path), Column(batch, "y", path), Column(batch, "x", path));
                for (var i = 0; i < batch.Length; i++, row++)
                {
                    var id = ids switch
                    {
                        StringArray s => s.GetString(i),
                        _ => Integer(ids, i, "id", row, path).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    };
                    if (string.IsNullOrEmpty(id))
                    {
                        throw new FormatException($"{path}, row {row}: column 'id' is empty.");
                    }

                    points.Add(new VolumePoint(id, new Index3(Integer(z, i, "z", row, path), Integer(y, i, "y", row, path), Integer(x, i, "x", row, path))));
                }
            }
        }

        return points;
    }

    private static IArrowArray Column(RecordBatch batch, string name, string path) =>
        batch.Schema.GetFieldIndex(name) is var index and >= 0
            ? batch.Column(index)
            : throw new FormatException($"{path}: no column '{name}'; a points file has columns id, z, y, x.");

    private static long Integer(IArrowArray column, int i, string name, long row, string path)
    {
        long? value = column switch
        {
            Int64Array a => a.GetValue(i),
            Int32Array a => a.GetValue(i),
            Int16Array a => a.GetValue(i),
            UInt32Array a => a.GetValue(i),
            UInt16Array a => a.GetValue(i),
            _ => throw new FormatException($"{path}: column '{name}' is {column.Data.DataType.Name}; it must hold integers."),
        };
        return value ?? throw new FormatException($"{path}, row {row}: column '{name}' is null.");
    }
}
