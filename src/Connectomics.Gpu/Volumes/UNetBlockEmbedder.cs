using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// Embeds volume blocks with a 3-D U-Net: for each block it computes the per-voxel features of the block's write box
/// tile by tile and pools them into one vector per <see cref="BlockRow"/> (mean, or max by option; a point row takes the
/// features of its voxel). Tiles start at multiples of the output stride from the write box's start, so the features
/// equal those of one pass over the whole padded volume.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: calls from several encode workers take turns on the model. The model stays the caller's: it is not
/// disposed with the embedder, and must not be moved, changed or used elsewhere while the embedder uses it (the
/// fingerprint is taken when the embedder is made).
/// </para>
/// <para>
/// Memory: one tile at a time holds its normalised input (float32, channels × tile input voxels) and its features
/// (D × tile output voxels) on the host and its feature maps on the device; a block's features are never held whole,
/// and its raw voxels are never copied to float32 as a whole.
/// </para>
/// </remarks>
public sealed class UNetBlockEmbedder : IVolumeEmbeddingModel
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly UNet3dGeometry _geometry;
    private int _disposed;

    /// <summary>Creates an embedder over a model.</summary>
    /// <param name="model">The U-Net, on the device and in the precision it is to compute in (see
    /// <see cref="UNet3dModel.MoveTo"/>); the caller keeps ownership.</param>
    /// <param name="options">The pooling and tiling; <see langword="null"/> takes the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public UNetBlockEmbedder(UNet3dModel model, UNetBlockEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new UNetBlockEmbedderOptions();
        options.Validate();
        Model = model;
        Pooling = options.Pooling;
        Tiling = options.Tiling;
        _geometry = model.Geometry;
        Context = ToIndex(_geometry.Context);
        ContextAfter = ToIndex(_geometry.ContextAfter);
        OutputStride = ToIndex(_geometry.OutputStride);
        Descriptor = Describe(model, Pooling);
    }

    /// <summary>Gets the model the embedder runs.</summary>
    public UNet3dModel Model { get; }

    /// <summary>Gets how a row's voxels are pooled.</summary>
    public VoxelPooling Pooling { get; }

    /// <summary>Gets the tile size the write boxes are cut into.</summary>
    public UNet3dTiling Tiling { get; }

    /// <summary>Gets what the embedder is: the model's name, D (the model's feature channels), and a fingerprint
    /// (SHA-256, lower-case hex) of the model's weights as they are now, its configuration, the compute precision and
    /// the pooling. The tiling is not part of it: it does not change the vectors.</summary>
    /// <value>The properties are <c>model_type</c>, <c>model</c>, <c>config</c> (the configuration as compact JSON),
    /// <c>pooling</c> (<c>mean</c> or <c>max</c>), <c>precision</c>, <c>context</c> and <c>output_stride</c>.</value>
    public ModelDescriptor Descriptor { get; }

    /// <inheritdoc />
    public int InputChannels => Model.InChannels;

    /// <inheritdoc />
    public Index3 Context { get; }

    /// <inheritdoc />
    public Index3 ContextAfter { get; }

    /// <inheritdoc />
    public Index3 OutputStride { get; }

    /// <summary>Gets whether the model takes voxels of this type: uint8, uint16, int16 and float32.</summary>
    /// <param name="type">The voxel type.</param>
    /// <returns>Whether the type is taken.</returns>
    public bool Accepts(VoxelType type) => TileInputNormalization.IsSupported(type);

    /// <summary>
    /// Gets the input voxels the network needs for a write box: the write box grown by <see cref="Context"/> before
    /// and by <see cref="ContextAfter"/> after, with the far end moved out further so that the output is a size the
    /// network produces (<see cref="UNet3dGeometry"/>); the output voxels beyond the write box are computed and
    /// dropped.
    /// </summary>
    /// <param name="writeBox">A block's write box (not empty; its start a multiple of <see cref="OutputStride"/>).</param>
    /// <returns>The input box.</returns>
    /// <exception cref="ArgumentException">The write box is empty.</exception>
    public Box3 GetInputBox(Box3 writeBox)
    {
        if (writeBox.IsEmpty)
        {
            throw new ArgumentException($"The write box {writeBox} is empty.", nameof(writeBox));
        }

        var output = WriteBoxTiling.BlockOutputSize(_geometry, writeBox.Size);
        return new Box3(writeBox.Start - Context, writeBox.Start + output + ContextAfter);
    }

    /// <summary>
    /// Checks a block: its voxel type (uint8, uint16, int16, float32), its channels (the model's), its voxels (covering
    /// <see cref="GetInputBox"/> of its write box, with the byte count the box needs), its write box (starting at a
    /// multiple of the output stride) and its rows (inside the write box). Never throws for a bad block: the problem
    /// names the block, the source and what is wrong.
    /// </summary>
    /// <param name="input">The block.</param>
    /// <returns>The block, usable at a cost of its write-box voxels (at most <see cref="int.MaxValue"/>), or unusable
    /// with the problem.</returns>
    public PreparedInput Prepare(VolumeBlock input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problem = FindProblem(input);
        return problem is not null
            ? PreparedInput.Unusable(problem)
            : PreparedInput.Usable(new PreparedVolumeBlock(input, Descriptor.Fingerprint), (int)Math.Clamp(input.Block.WriteBox.VoxelCount, 1, int.MaxValue));
    }

    /// <summary>Embeds blocks made ready by <see cref="Prepare"/>: one after another, each tile by tile.</summary>
    /// <param name="inputs">Usable inputs from <see cref="Prepare"/> of this embedder (or of one with the same
    /// fingerprint).</param>
    /// <param name="cancellationToken">Checked before each block and between tiles.</param>
    /// <returns>Per block, its rows' vectors one after another (<c>rows × D</c> values).</returns>
    /// <exception cref="ArgumentException">An input is null, unusable, or was prepared by another model.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var blocks = new VolumeBlock[inputs.Count];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Unwrap(inputs[i], i);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (blocks.Length == 0)
        {
            return [];
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new ReadOnlyMemory<float>[blocks.Length];
            for (var i = 0; i < blocks.Length; i++)
            {
                var pooling = new BlockRowPooling(blocks[i].Rows, Model.FeatureChannels, Pooling);
                RunTiles(blocks[i], ref pooling, cancellationToken);
                results[i] = pooling.Complete();
            }

            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Computes a block's per-voxel features over its write box, tile by tile, into <paramref name="destination"/>
    /// (for small blocks, tests and per-voxel outputs; pooled vectors come from <see cref="EncodeAsync"/>, which never
    /// holds them whole).
    /// </summary>
    /// <param name="block">The block; it must pass the checks of <see cref="Prepare"/>.</param>
    /// <param name="destination"><c>[D, wz, wy, wx]</c> over the write box, C order.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <exception cref="ArgumentException">The block is refused (the message says why) or the destination has the
    /// wrong length.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public void ComputeWriteBoxFeatures(VolumeBlock block, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var problem = FindProblem(block);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(block));
        }

        var writeBox = block.Block.WriteBox;
        var size = writeBox.Size;
        var channels = Model.FeatureChannels;
        if (destination.Length != channels * size.Volume)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} values; [{channels}, {size.Z}, {size.Y}, {size.X}] over the write box {writeBox} needs {channels * size.Volume}.",
                nameof(destination));
        }

        _gate.Wait(cancellationToken);
        try
        {
            var stitching = new WriteBoxFeatureStitching(destination, writeBox, channels);
            RunTiles(block, ref stitching, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks the embedder disposed once calls in progress finish; the model is the caller's and stays as it is.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _gate.Wait();
        _gate.Dispose();
    }

    /// <summary>Computes the tiles of a checked block and hands each one's features to <paramref name="sink"/>.</summary>
    private void RunTiles<TSink>(VolumeBlock block, ref TSink sink, CancellationToken cancellationToken)
        where TSink : ITileFeatureSink, allows ref struct
    {
        var tiles = WriteBoxTiling.Plan(block.Block.WriteBox, _geometry, Tiling.OutputTileSize);
        var device = Model.Device;
        var channels = block.Channels;
        using var inference = torch.inference_mode();
        foreach (var tile in tiles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputBox = new Box3(tile.Computed.Start - Context, tile.Computed.Stop + ContextAfter);
            var size = inputBox.Size;
            using var scope = torch.NewDisposeScope();
            var batch = torch.empty([1, channels, size.Z, size.Y, size.X], ScalarType.Float32);
            TileInputNormalization.Fill(block, inputBox, MemoryMarshal.Cast<byte, float>(batch.bytes));
            var onDevice = device.type == DeviceType.CPU ? batch : batch.to(device);
            var features = Model.Forward(onDevice).cpu().contiguous();
            sink.Add(MemoryMarshal.Cast<byte, float>(features.bytes), tile);
        }
    }

    private string? FindProblem(VolumeBlock block)
    {
        var what = string.Create(CultureInfo.InvariantCulture, $"Block {block.Block.Id} of '{block.Source}'");
        if (block.Skipped != BlockSkipReason.None)
        {
            return $"{what} is skipped ({block.Skipped}) and holds no voxels to embed.";
        }

        if (!Accepts(block.DataType))
        {
            return $"{what} holds {Lower(block.DataType)} voxels; the U-Net '{Model.Name}' takes uint8, uint16, int16 or float32.";
        }

        if (block.Channels != InputChannels)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{what} has {block.Channels} channel(s); the U-Net '{Model.Name}' takes {InputChannels} input channel(s).");
        }

        var writeBox = block.Block.WriteBox;
        if (writeBox.IsEmpty)
        {
            return $"{what} has an empty write box {writeBox}.";
        }

        var start = writeBox.Start;
        if (start.Z % OutputStride.Z != 0 || start.Y % OutputStride.Y != 0 || start.X % OutputStride.X != 0)
        {
            return $"{what} has its write box {writeBox} starting at {start}, not at a multiple of the U-Net's output stride {OutputStride}: its features would not match the rest of the volume.";
        }

        var inputBox = GetInputBox(writeBox);
        if (!block.VoxelBox.Contains(inputBox))
        {
            return $"{what} carries the voxels of {block.VoxelBox}, but the U-Net '{Model.Name}' needs {inputBox} for the write box {writeBox} (context {Context} before, {ContextAfter} after, the output rounded up to a size the network produces).";
        }

        var needed = block.Channels * block.VoxelBox.VoxelCount * block.DataType.ByteSize();
        if (block.Voxels.Length != needed)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{what} holds {block.Voxels.Length} bytes of voxels; {block.Channels} channel(s) of {Lower(block.DataType)} over {block.VoxelBox} need {needed}.");
        }

        foreach (var row in block.Rows)
        {
            var box = BlockRowPooling.BoxOf(row);
            if (box.IsEmpty || !writeBox.Contains(box))
            {
                return $"{what} has row '{row.Id}' over {box}, which is {(box.IsEmpty ? "empty" : "not inside the write box " + writeBox.ToString())}.";
            }
        }

        return null;
    }

    private VolumeBlock Unwrap(PreparedInput? input, int index)
    {
        if (input is null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"inputs[{index}] is null."), "inputs");
        }

        if (!input.IsUsable)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"inputs[{index}] is not usable: {input.Problem}"), "inputs");
        }

        if (input.Payload is not PreparedVolumeBlock prepared)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"inputs[{index}] was not prepared by a U-Net block embedder."), "inputs");
        }

        if (!string.Equals(prepared.Fingerprint, Descriptor.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"inputs[{index}] was prepared by a model with fingerprint {prepared.Fingerprint}, not this one's ({Descriptor.Fingerprint})."), "inputs");
        }

        return prepared.Block;
    }

    private static ModelDescriptor Describe(UNet3dModel model, VoxelPooling pooling)
    {
        var config = JsonNode.Parse(model.Config.ToJson())!.ToJsonString();
        var precision = model.Precision == ComputePrecision.BFloat16 ? "bfloat16" : "float32";
        var poolingName = pooling == VoxelPooling.Max ? "max" : "mean";
        var canonical = string.Join('\n',
            "connectomics.unet-block-embedder/1",
            "weights=" + model.ComputeWeightsFingerprint(),
            "config=" + config,
            "precision=" + precision,
            "pooling=" + poolingName);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var geometry = model.Geometry;
        return new ModelDescriptor(model.Name, model.FeatureChannels, fingerprint)
        {
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["model_type"] = UNet3dConfig.ModelType,
                ["model"] = model.Name,
                ["config"] = config,
                ["pooling"] = poolingName,
                ["precision"] = precision,
                ["context"] = $"{geometry.Context} before, {geometry.ContextAfter} after",
                ["output_stride"] = geometry.OutputStride.ToString(),
            },
        };
    }

    private static string Lower(VoxelType type) => type.ToString().ToLowerInvariant();

    private static Index3 ToIndex(VoxelExtent extent) => new(extent.Z, extent.Y, extent.X);

    /// <summary>What <see cref="Prepare"/> hands to <see cref="EncodeAsync"/>: the block, and the fingerprint of the
    /// model that checked it.</summary>
    private sealed record PreparedVolumeBlock(VolumeBlock Block, string Fingerprint);
}
