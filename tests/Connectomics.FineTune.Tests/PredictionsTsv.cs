using System.Globalization;

namespace Connectomics.FineTune.Tests;

/// <summary>predictions.tsv read back: its header and one row per read.</summary>
internal sealed record PredictionsTsv(string[] Header, IReadOnlyList<PredictionRow> Rows, string[] Lines)
{
    public static readonly string[] ExpectedHeader =
    [
        "sequence_id", "taxonomy",
        "kingdom_probability", "phylum_probability", "class_probability", "order_probability", "family_probability", "genus_probability", "species_probability",
    ];

    public static PredictionsTsv Read(string path)
    {
        var text = File.ReadAllText(path);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text[..^1].Split('\n');
        var rows = new List<PredictionRow>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split('\t');
            Assert.True(fields.Length == 9, $"a row of {fields.Length} fields: '{line}'");
            var ranks = fields[1].Split(';');
            Assert.True(ranks.Length == 7, $"a taxonomy of {ranks.Length} fields: '{fields[1]}'");
            rows.Add(new PredictionRow(
                fields[0],
                [.. ranks.Select(r => r.Length == 0 ? null : r)],
                [.. fields.Skip(2).Select(f => double.Parse(f, NumberStyles.Float, CultureInfo.InvariantCulture))]));
        }

        return new PredictionsTsv(lines[0].Split('\t'), rows, lines);
    }
}

/// <summary>One read's predictions: its id, the label per rank (null where unassigned) and the probability per rank.</summary>
internal sealed record PredictionRow(string Id, string?[] Ranks, double[] Probabilities);
