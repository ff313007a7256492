namespace Connectomics.Chunks;

/// <summary>The part of a record at fault when a pipeline rejects it, for a source to name its column.</summary>
public enum RecordField
{
    /// <summary>The record's id: missing, empty or repeated.</summary>
    Id,

    /// <summary>What the model embeds (a read's sequence): unusable, or too much of it unknown to the model.</summary>
    Content,
}
