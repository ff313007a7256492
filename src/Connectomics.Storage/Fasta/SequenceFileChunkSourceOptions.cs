using System.ComponentModel.DataAnnotations;
using Connectomics.Storage.Inputs;

namespace Connectomics.Storage.Fasta;

/// <summary>What a <see cref="SequenceFileChunkSource"/> reads and how. Validated once, when the source is created.</summary>
public sealed class SequenceFileChunkSourceOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets the inputs. Each entry is a file (taken whatever its name), a directory (every file below it,
    /// recursively, named like the format: <c>.fa</c>, <c>.fasta</c>, <c>.fna</c>, <c>.ffn</c>, <c>.faa</c>,
    /// <c>.frn</c>, <c>.fas</c> for FASTA, <c>.fq</c>, <c>.fastq</c> for FASTQ, each also with <c>.gz</c>) or a glob:
    /// <c>*</c> and <c>?</c> match within one path segment and a <c>**</c> segment matches any number of directories.
    /// Directories and globs skip hidden files and directories. Files are read once each, in ordinal order of their
    /// full paths; a file starting with the gzip magic bytes is decompressed whatever its name.
    /// </summary>
    /// <value>The default value is an empty list; at least one entry is required.</value>
    [Required]
    public IList<string> Inputs { get; set; } = [];

    /// <summary>Gets or sets the format of the files.</summary>
    /// <value>The default value is <see cref="SequenceFileFormat.Fasta"/>.</value>
    [EnumDataType(typeof(SequenceFileFormat))]
    public SequenceFileFormat Format { get; set; } = SequenceFileFormat.Fasta;

    /// <summary>
    /// Gets or sets a value indicating whether sequences are upper-cased. Soft-masked regions (repeats in lower case)
    /// are ordinary bases, and a tokenizer that knows only upper-case letters would read each lower-case one as
    /// unknown; turn this off only for a model that tells the cases apart.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UpperCase { get; set; } = true;

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public SequenceFileChunkSourceOptions Clone()
    {
        var copy = (SequenceFileChunkSourceOptions)MemberwiseClone();
        copy.Inputs = Inputs is null ? null! : [.. Inputs];
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new SequenceFileChunkSourceOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(SequenceFileChunkSourceOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the entries of <see cref="Inputs"/>.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in InputListChecks.Check(Inputs, nameof(Inputs)))
        {
            yield return problem;
        }
    }
}
