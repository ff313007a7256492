namespace Connectomics.Checkpoints;

/// <summary>
/// Durable storage for the <see cref="CheckpointState"/> of one run: the last saved state survives the process
/// being killed at any moment, and a damaged latest state is never returned.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SaveAsync"/> is the commit point: when it returns, the state is durable and a later
/// <see cref="LoadAsync"/>, in this or any later process, returns it or a state saved after it. When it throws or
/// the process dies before it returns, a later load returns either this state or the one saved before it.
/// </para>
/// <para>Implementations are safe to call from several threads; saves through one store are applied one at a time.</para>
/// </remarks>
public interface ICheckpointStore
{
    /// <summary>Gets the identifier of the run whose state this store holds.</summary>
    string RunId { get; }

    /// <summary>Loads the latest good state of the run.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The latest state that was saved and is intact, or <see langword="null"/> when none was ever saved.</returns>
    /// <exception cref="CheckpointCorruptedException">
    /// State was saved but none of it can be trusted (every copy is damaged), or it belongs to another run.
    /// </exception>
    /// <exception cref="UnsupportedCheckpointFormatException">The state was written in a newer format than this version reads.</exception>
    Task<CheckpointState?> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves a state durably, replacing the latest one.</summary>
    /// <param name="state">The state; its <see cref="CheckpointState.RunId"/> must be this store's <see cref="RunId"/>.</param>
    /// <param name="cancellationToken">Cancels the save before it commits.</param>
    /// <returns>The state as saved, with <see cref="CheckpointState.SavedAt"/> set by the store.</returns>
    /// <exception cref="ArgumentException">The state belongs to another run.</exception>
    /// <exception cref="UnsupportedCheckpointFormatException">The latest state was written in a newer format; it is left untouched.</exception>
    Task<CheckpointState> SaveAsync(CheckpointState state, CancellationToken cancellationToken = default);
}
