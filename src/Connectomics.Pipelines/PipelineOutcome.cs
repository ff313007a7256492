namespace Connectomics.Pipelines;

/// <summary>How a run of a pipeline ended.</summary>
public enum PipelineOutcome
{
    /// <summary>Every unit of the shard is done and committed.</summary>
    Completed,

    /// <summary>The shard was already done when the run started; nothing was written.</summary>
    AlreadyComplete,

    /// <summary>The run was cancelled; what was done is committed and a later run continues from there.</summary>
    Cancelled,
}
