using System.CommandLine;
using Connectomics.FineTune.Inputs;
using Connectomics.Samples.Inputs;

namespace Connectomics.FineTune.Cli;

/// <summary>The options that say where a command's reads are: <c>--input</c>, <c>--format</c> and the Parquet columns.</summary>
internal sealed class InputOptions
{
    public InputOptions(string what, bool withTaxonomy)
    {
        var files = withTaxonomy
            ? "FASTA or FASTQ files (plain or gzip) whose header description is the taxonomy ('>id k;p;c;o;f;g;s', as RDP and SILVA training files are written), or Parquet files with a taxonomy column"
            : "FASTA or FASTQ files (plain or gzip), or Parquet files";
        Input = new("--input")
        {
            Description = $"{what}: {files}; also directories or globs. Repeat or separate with commas.",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
    }

    public Option<string[]> Input { get; }

    public Option<InputFormat> Format { get; } = new("--format") { Description = "auto (from the first file's bytes), fasta, fastq or parquet.", DefaultValueFactory = _ => InputFormat.Auto };

    public Option<string> IdColumn { get; } = new("--id-column") { Description = "Parquet: the read id column.", DefaultValueFactory = _ => "id" };

    public Option<string> SequenceColumn { get; } = new("--sequence-column") { Description = "Parquet: the sequence column.", DefaultValueFactory = _ => "sequence" };

    public Option<string> TaxonomyColumn { get; } = new("--taxonomy-column") { Description = "Parquet: the taxonomy column ('k;p;c;o;f;g;s' strings; QIIME's 'k__' prefixes are read too).", DefaultValueFactory = _ => "taxonomy" };

    public IEnumerable<Option> All => [Input, Format, IdColumn, SequenceColumn, TaxonomyColumn];

    /// <summary>Returns the input the command line names.</summary>
    public ReadInput Read(ParseResult parsed) => With(parsed, Split(parsed.GetValue(Input)));

    /// <summary>Returns another input (a validation file) read with the same format and columns.</summary>
    public ReadInput With(ParseResult parsed, IReadOnlyList<string> inputs) =>
        new(inputs, parsed.GetValue(Format), parsed.GetValue(IdColumn)!, parsed.GetValue(SequenceColumn)!, parsed.GetValue(TaxonomyColumn)!);

    public static List<string> Split(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
