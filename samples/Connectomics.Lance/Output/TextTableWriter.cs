using Apache.Arrow;

namespace Connectomics.Lance.Output;

/// <summary>Writes rows as a text table with a header and columns aligned by padding.</summary>
internal static class TextTableWriter
{
    public static void Write(TextWriter output, Schema schema, IReadOnlyList<RecordBatch> batches)
    {
        var header = schema.FieldsList.Select(f => f.Name).ToArray();
        var rows = new List<string[]>();
        foreach (var batch in batches)
        {
            for (var r = 0; r < batch.Length; r++)
            {
                rows.Add([.. Enumerable.Range(0, batch.ColumnCount).Select(c => TextCellFormatter.Format(batch.Column(c), r))]);
            }
        }

        var widths = header.Select((h, c) => rows.Select(row => row[c].Length).Append(h.Length).Max()).ToArray();
        WriteLine(output, header, widths);
        WriteLine(output, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            WriteLine(output, row, widths);
        }
    }

    private static void WriteLine(TextWriter output, string[] cells, int[] widths) =>
        output.WriteLine(string.Join("  ", cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadRight(widths[c]))));
}
