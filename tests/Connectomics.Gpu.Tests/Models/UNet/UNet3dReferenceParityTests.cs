using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using Connectomics.Testing;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>Per-voxel outputs and state-dict names against the PyTorch reference of funlib's U-Net (fixtures written
/// by tools/fixtures/unet_reference.py).</summary>
public sealed class UNet3dReferenceParityTests
{
    public UNet3dReferenceParityTests() => TorchRuntime.EnsureApplied();

    [Theory]
    [InlineData("tiny")]
    [InlineData("anisotropic")]
    [InlineData("projected")]
    public void Forward_matches_the_reference_output(string name)
    {
        var fixture = UNetFixture.Load(name);
        using var model = UNet3dModel.FromSafetensors(fixture.Directory);
        Assert.Equal(fixture.InputShape[0], model.InChannels);
        Assert.Equal(fixture.OutputShape[0], model.FeatureChannels);

        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.tensor(fixture.Input, [1, .. fixture.InputShape.Select(v => (long)v)]);
        var output = model.Forward(input);
        Assert.Equal([1L, .. fixture.OutputShape.Select(v => (long)v)], output.shape);
        UNetAssert.Close(fixture.Output, output.data<float>().ToArray(), fixture.Tolerance, name);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("anisotropic")]
    [InlineData("projected")]
    public void Tiled_features_match_the_reference_output(string name)
    {
        var fixture = UNetFixture.Load(name);
        using var model = UNet3dModel.FromSafetensors(Path.Combine(fixture.Directory, "model.safetensors"));
        var output = new float[fixture.Output.Length];
        // The smallest tiles the model allows: the most seams.
        model.ComputeFeatures(fixture.Input, fixture.InputSize, output, new UNet3dTiling { OutputTileSize = VoxelExtent.Cube(1) });
        UNetAssert.Close(fixture.Output, output, fixture.Tolerance, name);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("anisotropic")]
    [InlineData("projected")]
    public void State_dict_names_and_shapes_equal_the_reference(string name)
    {
        var fixture = UNetFixture.Load(name);
        using var model = UNet3dModel.FromConfig(UNet3dConfig.FromJsonFile(fixture.Directory));
        var actual = model.Module.state_dict().Select(p => (p.Key, p.Value.shape)).ToList();
        Assert.Equal(fixture.StateDict.Select(e => e.Name), actual.Select(e => e.Key));
        for (var i = 0; i < actual.Count; i++)
        {
            Assert.Equal(fixture.StateDict[i].Shape, actual[i].shape);
        }

        Assert.Contains(actual, e => e.Key == "l_conv.0.conv_pass.2.weight");
        Assert.Contains(actual, e => e.Key == "r_conv.0.0.conv_pass.0.weight");
    }

    [Fact]
    public void Saved_weights_reload_to_the_same_model()
    {
        using var directory = new TempDirectory("unet-save");
        using var model = UNet3dModel.FromPreset("tiny", seed: 5);
        model.SavePretrained(directory.Path);
        Assert.Equal(["config.json", "model.safetensors"], directory.Entries());
        using var loaded = UNet3dModel.FromSafetensors(directory.Path);
        Assert.Equal(model.ComputeWeightsFingerprint(), loaded.ComputeWeightsFingerprint());
        using var other = UNet3dModel.FromPreset("tiny", seed: 6);
        Assert.NotEqual(model.ComputeWeightsFingerprint(), other.ComputeWeightsFingerprint());
    }

    [Fact]
    public void A_checkpoint_missing_a_weight_or_with_another_shape_is_refused_by_name()
    {
        using var directory = new TempDirectory("unet-mismatch");
        using (var model = UNet3dModel.FromPreset("tiny"))
        {
            model.SavePretrained(directory.Path);
        }

        var wider = UNet3dPresets.Tiny with { NumFmaps = 5 };
        var error = Assert.Throws<StateDictMismatchException>(() => UNet3dModel.FromSafetensors(directory.Path, wider));
        Assert.Contains("l_conv.0.conv_pass.0.weight", error.Message, StringComparison.Ordinal);

        var projected = UNet3dPresets.Tiny with { OutputChannels = 8 };
        var missing = Assert.Throws<StateDictMismatchException>(() => UNet3dModel.FromSafetensors(directory.Path, projected));
        Assert.Contains("projection.weight", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefixed_checkpoint_with_other_heads_loads_the_unet_part()
    {
        using var directory = new TempDirectory("unet-prefix");
        using var model = UNet3dModel.FromPreset("tiny", seed: 3);
        // An LSD-style whole model: the U-Net under 'unet.' beside a head of its own.
        var whole = new WholeModel(model.Module, torch.nn.Conv3d(4, 10, 1));
        var file = directory.File("model.safetensors");
        StateDictSaver.Save(whole, file);
        using var loaded = UNet3dModel.FromSafetensors(file, UNet3dPresets.Tiny, keyPrefix: "unet.");
        Assert.Equal(model.ComputeWeightsFingerprint(), loaded.ComputeWeightsFingerprint());
    }

    private sealed class WholeModel : torch.nn.Module
    {
        public WholeModel(torch.nn.Module unet, torch.nn.Module head)
            : base("whole")
        {
            register_module("unet", unet);
            register_module("lsd_head", head);
        }
    }
}
