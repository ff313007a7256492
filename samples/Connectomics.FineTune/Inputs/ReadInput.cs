using Connectomics.Samples.Inputs;

namespace Connectomics.FineTune.Inputs;

/// <summary>Where a command's reads come from: files, directories or globs of one format, and for Parquet the
/// columns that hold the id, the sequence and the taxonomy.</summary>
/// <param name="Inputs">The files, directories or globs.</param>
/// <param name="Format">The format, or <see cref="InputFormat.Auto"/> to tell it from the first file.</param>
/// <param name="IdColumn">Parquet: the id column.</param>
/// <param name="SequenceColumn">Parquet: the sequence column.</param>
/// <param name="TaxonomyColumn">Parquet: the taxonomy column (<c>k;p;c;o;f;g;s</c> strings).</param>
internal sealed record ReadInput(IReadOnlyList<string> Inputs, InputFormat Format, string IdColumn, string SequenceColumn, string TaxonomyColumn)
{
    /// <summary>Gets the inputs as one line, for messages.</summary>
    public string Description => string.Join(", ", Inputs);

    /// <summary>Returns FASTA input with the default Parquet columns.</summary>
    /// <param name="path">The FASTA file.</param>
    /// <returns>The input.</returns>
    public static ReadInput Fasta(string path) => new([path], InputFormat.Fasta, "id", "sequence", "taxonomy");
}
