using Connectomics.Embeddings;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Volumes.Tests.Pipelines;

/// <summary>
/// A volume model whose vectors can be checked by hand: per row, the mean of the normalised voxels over the row's box
/// and their maximum over the box grown by the context (which only a correct halo read can supply). Context 2 before and
/// after, output stride 2, one channel.
/// </summary>
internal sealed class MeanMaxModel : IVolumeEmbeddingModel
{
    public const int ContextVoxels = 2;

    private int _blocksEncoded;

    public MeanMaxModel(string fingerprint = "mean-max-1", int channels = 1)
    {
        Descriptor = new ModelDescriptor("mean-max", 2, fingerprint);
        InputChannels = channels;
    }

    public ModelDescriptor Descriptor { get; }

    public int InputChannels { get; }

    public Index3 Context => Index3.All(ContextVoxels);

    public Index3 ContextAfter => Index3.All(ContextVoxels);

    public Index3 OutputStride => Index3.All(2);

    public int BlocksEncoded => Volatile.Read(ref _blocksEncoded);

    /// <summary>Gets or sets a hook run after each block is encoded (to cancel a run part-way).</summary>
    public Action<int>? AfterBlock { get; set; }

    public bool Accepts(VoxelType type) => type is VoxelType.UInt8 or VoxelType.UInt16 or VoxelType.Int16 or VoxelType.Float32;

    public Box3 GetInputBox(Box3 writeBox) => writeBox.Grow(Context);

    public PreparedInput Prepare(VolumeBlock input) =>
        PreparedInput.Usable(input, (int)Math.Clamp(input.VoxelBox.VoxelCount, 1, int.MaxValue));

    public Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        var output = new List<ReadOnlyMemory<float>>();
        foreach (var input in inputs)
        {
            var block = (VolumeBlock)input.Payload!;
            var vectors = new float[block.Rows.Count * 2];
            for (var r = 0; r < block.Rows.Count; r++)
            {
                var box = block.Rows[r].Box;
                vectors[2 * r] = (float)Reduce(block, box, mean: true);
                vectors[(2 * r) + 1] = (float)Reduce(block, box.Grow(Context), mean: false);
            }

            output.Add(vectors);
            var encoded = Interlocked.Increment(ref _blocksEncoded);
            AfterBlock?.Invoke(encoded);
        }

        return Task.FromResult<IReadOnlyList<ReadOnlyMemory<float>>>(output);
    }

    public void Dispose()
    {
    }

    private static double Reduce(VolumeBlock block, Box3 box, bool mean)
    {
        if (!block.VoxelBox.Contains(box))
        {
            throw new InvalidOperationException($"Block {block.Block.Id}: the box {box} is not inside the voxels read, {block.VoxelBox}.");
        }

        var extent = block.VoxelBox.Size;
        var size = block.DataType.ByteSize();
        var voxels = block.Voxels.Span;
        double sum = 0, max = double.NegativeInfinity;
        for (var z = box.Start.Z; z < box.Stop.Z; z++)
        {
            for (var y = box.Start.Y; y < box.Stop.Y; y++)
            {
                for (var x = box.Start.X; x < box.Stop.X; x++)
                {
                    var at = (((z - block.VoxelBox.Start.Z) * extent.Y) + (y - block.VoxelBox.Start.Y)) * extent.X + (x - block.VoxelBox.Start.X);
                    var value = Normalised(ReferenceVolume.Value(voxels.Slice((int)(at * size), size), block.DataType), block.Normalization);
                    sum += value;
                    max = Math.Max(max, value);
                }
            }
        }

        return mean ? sum / box.VoxelCount : max;
    }

    public static double Normalised(double value, VoxelNormalization normalization) => (value * normalization.Scale) + normalization.Shift;
}
