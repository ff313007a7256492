using System.Runtime.InteropServices;
using System.Text;
using Connectomics.Durability;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// A 3-D U-Net feature extractor in the layout of funlib.learn.torch's <c>UNet</c>: its state-dict names
/// (<c>l_conv.{i}.conv_pass.{j}.weight</c>, <c>r_up.0.{i}.up.weight</c>, <c>r_conv.0.{i}.conv_pass.{j}.weight</c>, plus
/// <c>projection.</c> when <see cref="UNet3dConfig.OutputChannels"/> is set), its valid-convolution size arithmetic and
/// its crop to the downsampling factor, so that networks trained by LSD/daisy pipelines load and compute the same
/// per-voxel features.
/// </summary>
/// <remarks>
/// The model starts on the CPU in evaluation mode with float32 weights. It is not thread-safe: one caller at a time.
/// </remarks>
public sealed class UNet3dModel : IDisposable
{
    private readonly UNet3dNetwork _network;
    private ScalarType _computeType = ScalarType.Float32;
    private bool _disposed;

    private UNet3dModel(UNet3dNetwork network, UNet3dConfig config, UNet3dGeometry geometry, string name)
    {
        _network = network;
        Config = config;
        Geometry = geometry;
        Name = name;
    }

    /// <summary>Gets the name used in logs and saved configurations (the preset, the checkpoint folder or
    /// <c>custom</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the shape of the network.</summary>
    public UNet3dConfig Config { get; }

    /// <summary>Gets the size arithmetic: accepted input sizes, output sizes, context and stride.</summary>
    public UNet3dGeometry Geometry { get; }

    /// <summary>Gets the voxels an input loses before its first output voxel, per axis (see
    /// <see cref="UNet3dGeometry.Context"/>); a block's halo must be at least this.</summary>
    public VoxelExtent Context => Geometry.Context;

    /// <summary>Gets the product of the downsampling factors per axis: block and tile offsets must be multiples of it
    /// for stitched outputs to equal one whole pass.</summary>
    public VoxelExtent OutputStride => Geometry.OutputStride;

    /// <summary>Gets the number of input channels.</summary>
    public int InChannels => Config.InChannels;

    /// <summary>Gets the number of features per output voxel (D).</summary>
    public int FeatureChannels => Config.FeatureChannels;

    /// <summary>Gets the module tree, for training and state-dict access.</summary>
    public nn.Module Module => _network;

    /// <summary>Gets the device the weights are on.</summary>
    public Device Device => _network.parameters().First().device;

    /// <summary>Gets the number format the network computes in (float32, or bfloat16 on CUDA by
    /// <see cref="MoveTo"/>).</summary>
    public ComputePrecision Precision => _computeType == ScalarType.BFloat16 ? ComputePrecision.BFloat16 : ComputePrecision.Float32;

    /// <summary>Creates a model of a preset shape (see <see cref="UNet3dPresets"/>) with weights drawn reproducibly
    /// from <paramref name="seed"/>.</summary>
    /// <param name="name">The preset's name.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    /// <exception cref="ModelConfigurationException">No preset has that name.</exception>
    public static UNet3dModel FromPreset(string name, long seed = 0)
    {
        var config = UNet3dPresets.Get(name);
        return FromConfig(config, seed, name.Trim().ToLowerInvariant());
    }

    /// <summary>Creates a model of the given shape with every weight and bias drawn from U(−1/√fan_in, 1/√fan_in)
    /// (PyTorch's default for convolutions), reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="config">The shape.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <param name="name">The name used in logs.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public static UNet3dModel FromConfig(UNet3dConfig config, long seed = 0, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var geometry = UNet3dGeometry.Of(config);
        TorchRuntime.EnsureApplied();
        var network = new UNet3dNetwork(config, geometry);
        try
        {
            network.InitializeWeights(seed);
            network.eval();
            return new UNet3dModel(network, config, geometry, name);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads weights stored under funlib's state-dict names from safetensors through the name-checked loader: every
    /// weight the configuration needs must be present with its shape, and no other tensor may be (unless
    /// <paramref name="keyPrefix"/> selects a sub-module).
    /// </summary>
    /// <param name="path">A checkpoint directory (<c>config.json</c> and <c>model.safetensors</c> or a sharded index),
    /// or a safetensors file (its <c>config.json</c> beside it unless <paramref name="config"/> is given).</param>
    /// <param name="config">The shape; <see langword="null"/> reads <c>config.json</c>.</param>
    /// <param name="keyPrefix">A prefix the checkpoint puts before the U-Net's names (<c>unet.</c> for a whole LSD
    /// model); tensors outside it (other heads) are ignored. <see langword="null"/> takes the names as they are.</param>
    /// <returns>The model, on the CPU, in evaluation mode.</returns>
    /// <exception cref="ModelConfigurationException">The configuration is missing or invalid.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit the configuration.</exception>
    /// <exception cref="SafetensorsFormatException">The file is malformed.</exception>
    public static UNet3dModel FromSafetensors(string path, UNet3dConfig? config = null, string? keyPrefix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
        if (config is null)
        {
            config = UNet3dConfig.FromJsonFile(Path.Combine(directory, "config.json"));
        }
        else
        {
            try
            {
                config.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ModelConfigurationException(e.Message, e);
            }
        }

        var geometry = UNet3dGeometry.Of(config);
        TorchRuntime.EnsureApplied();
        var network = new UNet3dNetwork(config, geometry);
        try
        {
            using (var checkpoint = SafetensorsCheckpoint.Open(full))
            {
                var options = new StateDictLoadOptions { IsOptionalKey = null, BaseModelPrefix = string.IsNullOrEmpty(keyPrefix) ? null : keyPrefix };
                options.IgnoredKeyPrefixes.Clear();
                options.IgnoredKeys.Clear();
                if (!string.IsNullOrEmpty(keyPrefix))
                {
                    foreach (var tensor in checkpoint.Tensors)
                    {
                        if (!tensor.Name.StartsWith(keyPrefix, StringComparison.Ordinal))
                        {
                            options.IgnoredKeys.Add(tensor.Name);
                        }
                    }
                }

                StateDictLoader.Load(network, checkpoint, options);
            }

            network.eval();
            return new UNet3dModel(network, config, geometry, Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Saves <c>config.json</c> and <c>model.safetensors</c> (float32, funlib's names), each written
    /// atomically, which <see cref="FromSafetensors"/> and <c>tools/fixtures/unet_reference.py</c> load.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    public void SavePretrained(string directory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        StateDictSaver.Save(_network, Path.Combine(directory, "model.safetensors"), new StateDictSaveOptions { FloatingPointDType = SafetensorsDType.F32 });
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Config.ToJson());
        AtomicFile.Write(Path.Combine(directory, "config.json"), stream => stream.Write(bytes), OperatingSystemFileSystem.Instance);
    }

    /// <summary>Moves the weights to a device and sets the number format of the computation.</summary>
    /// <param name="device">The device.</param>
    /// <param name="precision">float32, or bfloat16 (CUDA only: the weights are converted, inputs are cast to bfloat16
    /// and outputs back to float32).</param>
    /// <exception cref="ArgumentException">A reduced precision was asked for on a CPU, or float16.</exception>
    public void MoveTo(Device device, ComputePrecision precision = ComputePrecision.Float32)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(device);
        var type = precision switch
        {
            ComputePrecision.Float32 => ScalarType.Float32,
            ComputePrecision.BFloat16 when device.type == DeviceType.CUDA => ScalarType.BFloat16,
            ComputePrecision.BFloat16 => throw new ArgumentException($"bfloat16 runs on CUDA only; {device} computes in float32.", nameof(precision)),
            _ => throw new ArgumentException($"{precision} is not supported by the U-Net (float32, or bfloat16 on CUDA).", nameof(precision)),
        };
        _network.to(device);
        _network.to(type);
        _computeType = type;
    }

    /// <summary>Runs the network. Gradients are recorded when autograd is enabled; wrap the call in
    /// <c>torch.inference_mode()</c> for inference.</summary>
    /// <param name="input">[B, C, z, y, x] on the model's device; each spatial size must be accepted (see
    /// <see cref="Geometry"/>). It is cast to the model's number format.</param>
    /// <returns>[B, D, z', y', x'] with (z', y', x') = <see cref="UNet3dGeometry.GetOutputSize"/>, float32.</returns>
    /// <exception cref="ArgumentException">The rank, channels or a spatial size is not accepted.</exception>
    public Tensor Forward(Tensor input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 5)
        {
            throw new ArgumentException($"The U-Net takes [B, C, z, y, x] inputs; this one has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        if (input.shape[1] != InChannels)
        {
            throw new ArgumentException($"The U-Net takes {InChannels} input channel(s); this input has {input.shape[1]}.", nameof(input));
        }

        Geometry.EnsureValidInputSize(new VoxelExtent(checked((int)input.shape[2]), checked((int)input.shape[3]), checked((int)input.shape[4])), nameof(input));
        if (input.dtype == _computeType)
        {
            return ToFloat32(_network.forward(input));
        }

        using var cast = input.to_type(_computeType);
        return ToFloat32(_network.forward(cast));
    }

    /// <summary>
    /// Computes per-voxel features of a block tile by tile, so that only one tile's feature maps are on the device at a
    /// time, and writes them into <paramref name="output"/>. The result equals one pass over the whole block: tiles
    /// start at multiples of the output stride, where the network is translation-equivariant.
    /// </summary>
    /// <param name="input">The block [C, z, y, x] (C order), already normalised, context included.</param>
    /// <param name="inputSize">The block's (z, y, x); each must be an accepted input size.</param>
    /// <param name="output">[D, z', y', x'] with (z', y', x') = <see cref="UNet3dGeometry.GetOutputSize"/>.</param>
    /// <param name="tiling">The tile size; <see langword="null"/> uses <see cref="UNet3dTiling.Default"/>.</param>
    /// <param name="cancellationToken">Checked between tiles.</param>
    /// <exception cref="ArgumentException">The size is not accepted or a span has the wrong length.</exception>
    public void ComputeFeatures(ReadOnlySpan<float> input, VoxelExtent inputSize, Span<float> output, UNet3dTiling? tiling = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Geometry.EnsureValidInputSize(inputSize, nameof(inputSize));
        var outputSize = Geometry.GetOutputSize(inputSize);
        if (input.Length != InChannels * inputSize.Volume)
        {
            throw new ArgumentException($"The input holds {input.Length} values; [{InChannels}, {inputSize.Z}, {inputSize.Y}, {inputSize.X}] needs {InChannels * inputSize.Volume}.", nameof(input));
        }

        if (output.Length != FeatureChannels * outputSize.Volume)
        {
            throw new ArgumentException($"The output holds {output.Length} values; [{FeatureChannels}, {outputSize.Z}, {outputSize.Y}, {outputSize.X}] needs {FeatureChannels * outputSize.Volume}.", nameof(output));
        }

        var tile = TileOutputSize((tiling ?? UNet3dTiling.Default).OutputTileSize, outputSize);
        var tileInput = Geometry.GetInputSize(tile);
        Span<int> counts = [TileCount(outputSize.Z, tile.Z), TileCount(outputSize.Y, tile.Y), TileCount(outputSize.X, tile.X)];
        var device = Device;
        using var inference = torch.inference_mode();
        for (var iz = 0; iz < counts[0]; iz++)
        {
            for (var iy = 0; iy < counts[1]; iy++)
            {
                for (var ix = 0; ix < counts[2]; ix++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var origin = new VoxelExtent(
                        TileStart(iz, tile.Z, outputSize.Z), TileStart(iy, tile.Y, outputSize.Y), TileStart(ix, tile.X, outputSize.X));
                    using var scope = torch.NewDisposeScope();
                    var batch = torch.empty([1, InChannels, tileInput.Z, tileInput.Y, tileInput.X], ScalarType.Float32);
                    CopyBox(input, InChannels, inputSize, origin, tileInput, MemoryMarshal.Cast<byte, float>(batch.bytes));
                    var onDevice = device.type == DeviceType.CPU ? batch : batch.to(device);
                    var result = _network.forward(onDevice.dtype == _computeType ? onDevice : onDevice.to_type(_computeType));
                    var host = result.to_type(ScalarType.Float32).cpu().contiguous();
                    PasteBox(MemoryMarshal.Cast<byte, float>(host.bytes), FeatureChannels, tile, output, outputSize, origin);
                }
            }
        }
    }

    /// <summary>
    /// Computes a SHA-256 fingerprint of every tensor of the state dict as it is now (names, dtypes, shapes and bytes),
    /// so that resumed work can be checked to use the same weights.
    /// </summary>
    /// <returns>The fingerprint, 64 lower-case hexadecimal digits.</returns>
    public string ComputeWeightsFingerprint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lines = StateDictDigest.Compute(_network).Select(e => e.ToCanonicalLine());
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _network.Dispose();
    }

    private static Tensor ToFloat32(Tensor result)
    {
        if (result.dtype == ScalarType.Float32)
        {
            return result;
        }

        using (result)
        {
            return result.to_type(ScalarType.Float32);
        }
    }

    private VoxelExtent TileOutputSize(VoxelExtent wanted, VoxelExtent outputSize)
    {
        int Axis(int axis)
        {
            var stride = OutputStride[axis];
            var rounded = Math.Max(wanted[axis] / stride * stride, Geometry.MinimumOutputSize[axis]);
            return Math.Min(rounded, outputSize[axis]);
        }

        return new VoxelExtent(Axis(0), Axis(1), Axis(2));
    }

    private static int TileCount(int size, int tile) => (size + tile - 1) / tile;

    /// <summary>Tiles step by the tile size; the last one ends at the edge (both are multiples of the stride).</summary>
    private static int TileStart(int index, int tile, int size) => Math.Min(index * tile, size - tile);

    /// <summary>Copies the box [origin, origin + box) of every channel of a [C, z, y, x] volume into a dense buffer.</summary>
    private static void CopyBox(ReadOnlySpan<float> source, int channels, VoxelExtent size, VoxelExtent origin, VoxelExtent box, Span<float> destination)
    {
        var offset = 0;
        for (var c = 0; c < channels; c++)
        {
            for (var z = 0; z < box.Z; z++)
            {
                for (var y = 0; y < box.Y; y++)
                {
                    var start = (((((long)c * size.Z) + origin.Z + z) * size.Y) + origin.Y + y) * size.X + origin.X;
                    source.Slice(checked((int)start), box.X).CopyTo(destination.Slice(offset, box.X));
                    offset += box.X;
                }
            }
        }
    }

    /// <summary>Writes a dense [D, box] buffer into the box at <paramref name="origin"/> of a [D, z, y, x] volume.</summary>
    private static void PasteBox(ReadOnlySpan<float> source, int channels, VoxelExtent box, Span<float> destination, VoxelExtent size, VoxelExtent origin)
    {
        var offset = 0;
        for (var c = 0; c < channels; c++)
        {
            for (var z = 0; z < box.Z; z++)
            {
                for (var y = 0; y < box.Y; y++)
                {
                    var start = (((((long)c * size.Z) + origin.Z + z) * size.Y) + origin.Y + y) * size.X + origin.X;
                    source.Slice(offset, box.X).CopyTo(destination.Slice(checked((int)start), box.X));
                    offset += box.X;
                }
            }
        }
    }
}
