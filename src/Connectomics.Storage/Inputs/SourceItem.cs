using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Storage.Inputs;

/// <summary>One record of a work unit as a source read it: usable, or rejected with the reason.</summary>
/// <param name="Record">The record, when usable.</param>
/// <param name="Rejected">The rejection, when not.</param>
internal readonly record struct SourceItem(SequenceRecord? Record, RejectedRecord? Rejected)
{
    /// <summary>Wraps a usable record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The item.</returns>
    public static SourceItem Of(SequenceRecord record) => new(record, null);

    /// <summary>Wraps a rejected record.</summary>
    /// <param name="rejected">The rejection.</param>
    /// <returns>The item.</returns>
    public static SourceItem Of(RejectedRecord rejected) => new(null, rejected);
}
