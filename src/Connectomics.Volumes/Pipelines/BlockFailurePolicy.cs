namespace Connectomics.Volumes.Pipelines;

/// <summary>What a volume pipeline does with a block it cannot read or embed (a corrupt chunk, a read that keeps failing).</summary>
public enum BlockFailurePolicy
{
    /// <summary>Stop the run with a <see cref="Connectomics.BadRecordException"/> naming the block and the chunk key;
    /// nothing of the block is committed. The default.</summary>
    Fail,

    /// <summary>Write the block (id, write and read boxes, chunk key, reason) to the quarantine and go on. The block is not
    /// done: the commits list it, and a resumed run tries it again first.</summary>
    Quarantine,
}
