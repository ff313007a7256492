namespace Connectomics.Pipelines;

/// <summary>What a pipeline does with a record it cannot use (an empty or invalid sequence, a null or repeated id, a read that is mostly <c>&lt;unk&gt;</c>).</summary>
public enum BadRecordPolicy
{
    /// <summary>Write the record with the reason to the quarantine and go on; the run summary counts them. The default.</summary>
    Quarantine,

    /// <summary>Stop the run with a <see cref="BadRecordException"/> naming the file, row and column; nothing of the chunk is committed.</summary>
    Fail,
}
