namespace Connectomics.Lora.Training;

/// <summary>
/// Where a training run stands in its data: the epoch and the index of the next batch within that epoch. With the
/// run's seed and batching options it fully determines every batch that follows, which is what lets a resumed run
/// read exactly what an uninterrupted one would have read.
/// </summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="BatchIndex">The index, within <paramref name="Epoch"/>, of the next batch to read.</param>
public readonly record struct DataPosition(int Epoch, int BatchIndex);
