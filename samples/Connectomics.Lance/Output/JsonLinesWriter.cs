using System.Text.Json;
using Apache.Arrow;

namespace Connectomics.Lance.Output;

/// <summary>Writes rows as JSON lines: one object per row, keyed by column name.</summary>
internal static class JsonLinesWriter
{
    public static void Write(Stream output, IReadOnlyList<RecordBatch> batches)
    {
        var newline = "\n"u8.ToArray();
        foreach (var batch in batches)
        {
            var fields = batch.Schema.FieldsList;
            for (var r = 0; r < batch.Length; r++)
            {
                using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    writer.WriteStartObject();
                    for (var c = 0; c < fields.Count; c++)
                    {
                        writer.WritePropertyName(fields[c].Name);
                        JsonCellWriter.Write(writer, batch.Column(c), r);
                    }

                    writer.WriteEndObject();
                }

                output.Write(newline);
            }
        }

        output.Flush();
    }
}
