using BenchmarkDotNet.Attributes;
using Connectomics.Gpu.Models.UNet;
using TorchSharp;

namespace Connectomics.Benchmarks;

/// <summary>
/// Tiled per-voxel U-Net inference on the CPU (libtorch at 2 threads, the process default of Program.cs): one block
/// whose output is 64³ voxels, cut into tiles of <see cref="Tile"/>³ output voxels. Reported time is per block:
/// voxels/s = 64³ / time.
/// </summary>
[MemoryDiagnoser]
public class UNetTiledInferenceBenchmarks
{
    private const int OutputEdge = 64;
    private UNet3dModel? _model;
    private float[] _input = [];
    private float[] _output = [];
    private VoxelExtent _inputSize;

    [Params("tiny", "small")]
    public string Preset { get; set; } = "tiny";

    [Params(32, 64)]
    public int Tile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        _model = UNet3dModel.FromPreset(Preset, seed: 1);
        _inputSize = _model.Geometry.GetInputSize(VoxelExtent.Cube(OutputEdge));
        var random = new Random(7);
        _input = new float[_inputSize.Volume];
        for (var i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)random.NextDouble();
        }

        _output = new float[_model.FeatureChannels * (long)OutputEdge * OutputEdge * OutputEdge];
    }

    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    [Benchmark(Description = "U-Net features of a 64³ output block")]
    public float ComputeBlock()
    {
        _model!.ComputeFeatures(_input, _inputSize, _output, new UNet3dTiling { OutputTileSize = VoxelExtent.Cube(Tile) });
        return _output[0];
    }
}
