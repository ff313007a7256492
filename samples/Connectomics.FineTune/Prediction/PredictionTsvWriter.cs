using System.Globalization;
using System.Text;
using Connectomics.Lora.Taxonomy;
using Connectomics.Sequences;

namespace Connectomics.FineTune.Prediction;

/// <summary>
/// Writes <c>predictions.tsv</c>: a header line, then per read <c>sequence_id</c>, <c>taxonomy</c> (the predicted
/// seven ranks joined by <c>;</c>, empty where unassigned) and one probability column per rank,
/// <c>kingdom_probability</c> … <c>species_probability</c>: the softmax probability of the label the rank's choice
/// fell on (also where it stayed below <c>--min-confidence</c> and the rank is unassigned; 0 where no label could be
/// chosen). The file is written beside the destination and moved over it only when complete.
/// </summary>
internal static class PredictionTsvWriter
{
    /// <summary>Gets the header's columns.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["sequence_id", "taxonomy", .. Enum.GetValues<TaxonomyRank>().Select(r => r.ToString().ToLowerInvariant() + "_probability")];

    /// <summary>Writes the predictions.</summary>
    /// <param name="path">The destination, replaced when complete.</param>
    /// <param name="reads">The reads, in input order.</param>
    /// <param name="predictions">One prediction per read, in the same order.</param>
    /// <exception cref="InvalidDataException">A read's id holds a tab or a line break, which the format cannot carry.</exception>
    public static void Write(string path, IReadOnlyList<SequenceRecord> reads, IReadOnlyList<TaxonomyPrediction> predictions)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.NewLine = "\n";
                writer.WriteLine(string.Join('\t', Columns));
                var line = new StringBuilder();
                for (var i = 0; i < reads.Count; i++)
                {
                    var id = reads[i].Id;
                    if (id.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
                    {
                        throw new InvalidDataException($"The read id '{id.ReplaceLineEndings(" ")}' holds a tab or a line break, which {Path.GetFileName(full)} cannot carry.");
                    }

                    line.Clear().Append(id).Append('\t').Append(predictions[i].ToTaxonomyString());
                    foreach (var rank in predictions[i].Ranks)
                    {
                        line.Append('\t').Append(rank.Probability.ToString("0.######", CultureInfo.InvariantCulture));
                    }

                    writer.WriteLine(line);
                }

                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
