namespace Connectomics.Lora.Taxonomy;

/// <summary>What <see cref="LabelledSequenceReader"/> does with a read that has no taxonomy (no value, an empty one,
/// or one naming no rank).</summary>
public enum UnlabelledReadPolicy
{
    /// <summary>Stop with a <see cref="LabelledSequenceException"/> naming the file and record.</summary>
    Fail,

    /// <summary>Leave the read out and count it in <see cref="LabelledSequenceReader.SkippedUnlabelled"/>.</summary>
    Skip,
}
