using Connectomics.Stores;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Decides where a shard's run starts: over (a restart replaces the table's contents with an empty commit at the
/// plan's start), after the shard's last commit (when that commit recorded the same run properties; the records its
/// retry list names are read again first), or at the start.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class ResumePlanner<TRecord>
{
    private readonly RunContext<TRecord> _run;

    public ResumePlanner(RunContext<TRecord> run) => _run = run;

    /// <summary>Finds (or, on restart, makes) the starting point.</summary>
    /// <exception cref="PipelineResumeConflictException">The last commit recorded other run properties.</exception>
    public async Task<ResumePoint> StartAsync(IVectorTable table, IVectorTableWriter writer, CancellationToken cancellationToken)
    {
        var plan = _run.Plan;
        if (_run.Options.Restart)
        {
            var tag = new CommitTag(_run.RunId, _run.Shard, plan.Start) { Properties = _run.Identity.Properties };
            var version = await writer.ReplaceAsync(tag, cancellationToken).ConfigureAwait(false);
            Log.Restarted(_run.Logger, _run.RunId, _run.ShardText, _run.Identity.Definition.Name, version);
            return new ResumePoint(plan.Start, Resumed: false, Committed: true, 0, 0, 0, version);
        }

        var last = await table.FindLastCommitAsync(_run.RunId, _run.Shard, cancellationToken).ConfigureAwait(false);
        if (last is null)
        {
            return new ResumePoint(plan.Start, Resumed: false, Committed: false, 0, 0, 0, null);
        }

        var differences = _run.Identity.Compare(last.Tag.Properties);
        if (differences.Count > 0)
        {
            var message = RunIdentity.DescribeConflict(_run.RunId, _run.Shard, _run.Identity.Definition.Name, differences);
            Log.ResumeRefused(_run.Logger, _run.RunId, _run.ShardText, message);
            throw new PipelineResumeConflictException(message, differences);
        }

        var position = last.Tag.Position;
        if (!position.IsDone)
        {
            // Throws when the position names a unit outside this shard's plan.
            _ = plan.Remaining(position);
        }

        foreach (var retry in last.Tag.Retry)
        {
            if (retry.IsDone)
            {
                throw new InvalidOperationException($"The last commit of run '{_run.RunId}' shard {_run.ShardText} lists 'done' among the records to try again.");
            }

            // Throws when the record's unit is outside this shard's plan.
            _ = plan.Remaining(retry);
        }

        return new ResumePoint(position, Resumed: true, Committed: true, last.Tag.RecordsRead, last.Tag.RowsWritten, last.Tag.RecordsRejected, last.Version)
        {
            Retry = last.Tag.Retry,
        };
    }
}
