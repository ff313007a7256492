namespace Connectomics.Pipelines;

/// <summary>
/// A run cannot continue the earlier run it names: the model, the input or a setting differs. The message lists
/// each difference with the recorded and the new value; start over with a restart, or choose another run id or table.
/// </summary>
public sealed class PipelineResumeConflictException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="PipelineResumeConflictException"/> class.</summary>
    public PipelineResumeConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PipelineResumeConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PipelineResumeConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PipelineResumeConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PipelineResumeConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PipelineResumeConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="differences">The settings that differ, by name: (recorded, requested).</param>
    public PipelineResumeConflictException(string message, IReadOnlyDictionary<string, (string? Recorded, string? Requested)> differences)
        : base(message) => Differences = differences;

    /// <summary>Gets the settings that differ, by name, with the recorded and the requested value.</summary>
    public IReadOnlyDictionary<string, (string? Recorded, string? Requested)> Differences { get; } =
        new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
}
