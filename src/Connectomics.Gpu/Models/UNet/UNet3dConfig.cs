using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// The shape of a 3-D U-Net in the layout of funlib.learn.torch's <c>UNet</c> (the network LSD and daisy pipelines
/// train), with its field names: valid convolutions each followed by a ReLU, max-pooling down, transposed convolutions
/// (or nearest upsampling) up, crop-and-concatenate, and the crop to the downsampling factor that makes tile-and-stitch
/// exact. One decoder head. An optional 1×1×1 projection (<c>projection.weight</c>/<c>.bias</c>, no activation) maps
/// the features to <see cref="OutputChannels"/> dims.
/// </summary>
/// <remarks>
/// Record equality compares the lists by reference; compare two configurations by <see cref="ToJson"/>, which writes
/// every field with the defaults filled in.
/// </remarks>
public sealed record UNet3dConfig
{
    /// <summary>The value of <c>model_type</c> in <c>config.json</c>.</summary>
    public const string ModelType = "funlib-unet3d";

    /// <summary>Gets the number of input channels.</summary>
    /// <value>The default value is 1 (grey-scale EM).</value>
    public int InChannels { get; init; } = 1;

    /// <summary>Gets the number of feature maps of the top level (and of the output, unless <see cref="NumFmapsOut"/>
    /// is set); level <c>l</c> has <c>NumFmaps · FmapIncFactor^l</c>.</summary>
    public required int NumFmaps { get; init; }

    /// <summary>Gets the factor between the widths of consecutive levels.</summary>
    public required int FmapIncFactor { get; init; }

    /// <summary>Gets the max-pooling factor of each downsampling (one per level but the lowest), top first.</summary>
    public required IReadOnlyList<VoxelExtent> DownsampleFactors { get; init; }

    /// <summary>Gets the kernel sizes of the convolutions of each level on the way down (one list per level, top
    /// first); <see langword="null"/> gives funlib's default, two 3×3×3 convolutions per level.</summary>
    public IReadOnlyList<IReadOnlyList<VoxelExtent>>? KernelSizeDown { get; init; }

    /// <summary>Gets the kernel sizes of the convolutions of each level on the way up (one list per level but the
    /// lowest, top first); <see langword="null"/> gives funlib's default, two 3×3×3 convolutions per level.</summary>
    public IReadOnlyList<IReadOnlyList<VoxelExtent>>? KernelSizeUp { get; init; }

    /// <summary>Gets a value indicating whether the way up repeats voxels (nearest upsampling, no weights) instead of
    /// running a transposed convolution.</summary>
    /// <value>The default value is <see langword="false"/>, as in funlib.</value>
    public bool ConstantUpsample { get; init; }

    /// <summary>Gets funlib's <c>num_fmaps_out</c>: the width of the last convolution pass, when it differs from
    /// <see cref="NumFmaps"/>.</summary>
    /// <value>The default value is <see langword="null"/> (<see cref="NumFmaps"/>).</value>
    public int? NumFmapsOut { get; init; }

    /// <summary>Gets the number of dims of the optional 1×1×1 projection after the U-Net (<c>projection.</c>).</summary>
    /// <value>The default value is <see langword="null"/> (no projection).</value>
    public int? OutputChannels { get; init; }

    /// <summary>Gets the number of levels (downsamplings + 1).</summary>
    public int Levels => DownsampleFactors.Count + 1;

    /// <summary>Gets the number of channels per output voxel: <see cref="OutputChannels"/>, else
    /// <see cref="NumFmapsOut"/>, else <see cref="NumFmaps"/>.</summary>
    public int FeatureChannels => OutputChannels ?? UNetOutputChannels;

    /// <summary>Gets the width of the U-Net's own output (before the projection).</summary>
    internal int UNetOutputChannels => NumFmapsOut ?? NumFmaps;

    /// <summary>Gets the kernel sizes down, with the default filled in.</summary>
    internal IReadOnlyList<IReadOnlyList<VoxelExtent>> ResolvedKernelSizeDown => KernelSizeDown ?? DefaultKernels(Levels);

    /// <summary>Gets the kernel sizes up, with the default filled in.</summary>
    internal IReadOnlyList<IReadOnlyList<VoxelExtent>> ResolvedKernelSizeUp => KernelSizeUp ?? DefaultKernels(Levels - 1);

    /// <summary>Gets the number of feature maps of a level.</summary>
    /// <param name="level">The level, 0 at the top.</param>
    /// <returns><c>NumFmaps · FmapIncFactor^level</c>.</returns>
    internal int Width(int level)
    {
        long width = NumFmaps;
        for (var i = 0; i < level; i++)
        {
            width *= FmapIncFactor;
        }

        return (int)width;
    }

    /// <summary>Throws when the shape is inconsistent, listing every problem.</summary>
    /// <exception cref="ArgumentException">A field is out of range or fields disagree.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (InChannels <= 0) errors.Add($"{nameof(InChannels)} must be positive (was {InChannels}).");
        if (NumFmaps <= 0) errors.Add($"{nameof(NumFmaps)} must be positive (was {NumFmaps}).");
        if (FmapIncFactor <= 0) errors.Add($"{nameof(FmapIncFactor)} must be positive (was {FmapIncFactor}).");
        if (NumFmapsOut is <= 0) errors.Add($"{nameof(NumFmapsOut)} must be positive when set (was {NumFmapsOut}).");
        if (OutputChannels is <= 0) errors.Add($"{nameof(OutputChannels)} must be positive when set (was {OutputChannels}).");
        if (DownsampleFactors is null)
        {
            errors.Add($"{nameof(DownsampleFactors)} is required (an empty list gives a plain convolution pass).");
        }
        else
        {
            for (var i = 0; i < DownsampleFactors.Count; i++)
            {
                var f = DownsampleFactors[i];
                if (f.Z <= 0 || f.Y <= 0 || f.X <= 0) errors.Add($"{nameof(DownsampleFactors)}[{i}] must be positive along every axis (was {f}).");
            }

            if (NumFmaps > 0 && FmapIncFactor > 0)
            {
                double widest = NumFmaps * Math.Pow(FmapIncFactor, DownsampleFactors.Count);
                if (widest > 1 << 20) errors.Add($"The lowest level would have {widest:0} feature maps ({nameof(NumFmaps)} {NumFmaps} · {nameof(FmapIncFactor)} {FmapIncFactor}^{DownsampleFactors.Count}); at most {1 << 20} are supported.");
            }

            CheckKernels(errors, nameof(KernelSizeDown), KernelSizeDown, Levels);
            CheckKernels(errors, nameof(KernelSizeUp), KernelSizeUp, Levels - 1);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(UNet3dConfig)} is invalid: {string.Join(" ", errors)}");
        }

        if (UNet3dGeometry.TryCreate(this, out var reason) is null)
        {
            throw new ArgumentException($"{nameof(UNet3dConfig)} is invalid: {reason}");
        }
    }

    private static void CheckKernels(List<string> errors, string field, IReadOnlyList<IReadOnlyList<VoxelExtent>>? kernels, int expectedLists)
    {
        if (kernels is null)
        {
            return;
        }

        if (kernels.Count != expectedLists)
        {
            errors.Add($"{field} must hold {expectedLists} list(s) of kernel sizes, one per level{(field == nameof(KernelSizeUp) ? " but the lowest" : string.Empty)} (has {kernels.Count}).");
            return;
        }

        for (var level = 0; level < kernels.Count; level++)
        {
            if (kernels[level] is null || kernels[level].Count == 0)
            {
                errors.Add($"{field}[{level}] must hold at least one kernel size.");
                continue;
            }

            for (var j = 0; j < kernels[level].Count; j++)
            {
                var k = kernels[level][j];
                if (k.Z <= 0 || k.Y <= 0 || k.X <= 0) errors.Add($"{field}[{level}][{j}] must be positive along every axis (was {k}).");
            }
        }
    }

    private static IReadOnlyList<IReadOnlyList<VoxelExtent>> DefaultKernels(int levels)
    {
        var list = new IReadOnlyList<VoxelExtent>[levels];
        for (var i = 0; i < levels; i++)
        {
            list[i] = [VoxelExtent.Cube(3), VoxelExtent.Cube(3)];
        }

        return list;
    }

    /// <summary>Writes this configuration as the <c>config.json</c> that <see cref="FromJsonFile"/> and
    /// <c>tools/fixtures/unet_reference.py</c> read (funlib's argument names, defaults written out).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        static JsonArray Extent(VoxelExtent e) => new(e.Z, e.Y, e.X);
        static JsonArray Kernels(IReadOnlyList<IReadOnlyList<VoxelExtent>> kernels) =>
            new([.. kernels.Select(level => (JsonNode)new JsonArray([.. level.Select(k => (JsonNode)Extent(k))]))]);

        var json = new JsonObject
        {
            ["model_type"] = ModelType,
            ["in_channels"] = InChannels,
            ["num_fmaps"] = NumFmaps,
            ["fmap_inc_factor"] = FmapIncFactor,
            ["downsample_factors"] = new JsonArray([.. DownsampleFactors.Select(f => (JsonNode)Extent(f))]),
            ["kernel_size_down"] = Kernels(ResolvedKernelSizeDown),
            ["kernel_size_up"] = Kernels(ResolvedKernelSizeUp),
            ["constant_upsample"] = ConstantUpsample,
            ["num_fmaps_out"] = NumFmapsOut,
            ["output_channels"] = OutputChannels,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Reads a <c>config.json</c> written by <see cref="ToJson"/> or by the Python reference. Fields of funlib
    /// that this model does not implement are refused by name: <c>padding</c> other than <c>valid</c>,
    /// <c>activation</c> other than <c>ReLU</c>, <c>num_heads</c> other than 1.</summary>
    /// <param name="path">The file, or a directory holding <c>config.json</c>.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ModelConfigurationException">The file is missing, not JSON, lacks a field or is invalid.</exception>
    public static UNet3dConfig FromJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(file))
        {
            throw new ModelConfigurationException($"'{file}' does not exist; a U-Net checkpoint needs its config.json.");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                ?? throw new ModelConfigurationException($"'{file}' does not hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"'{file}' is not valid JSON: {e.Message}", e);
        }

        try
        {
            var type = (string?)json["model_type"];
            if (type is not null && type != ModelType)
            {
                throw new ModelConfigurationException($"'{file}': model_type is '{type}', not '{ModelType}'.");
            }

            RefuseUnless(json, file, "padding", "valid");
            RefuseUnless(json, file, "activation", "ReLU");
            if (json["num_heads"] is JsonValue heads && heads.GetValue<int>() != 1)
            {
                throw new ModelConfigurationException($"'{file}': num_heads {heads} is not supported (one decoder head only).");
            }

            int Required(string name) => json[name] is JsonValue v && v.TryGetValue<int>(out var value)
                ? value
                : throw new ModelConfigurationException($"'{file}' lacks the integer field '{name}'.");

            var factors = json["downsample_factors"] as JsonArray
                ?? throw new ModelConfigurationException($"'{file}' lacks the field 'downsample_factors' (a list of [z, y, x] factors).");
            var config = new UNet3dConfig
            {
                InChannels = json["in_channels"] is null ? 1 : Required("in_channels"),
                NumFmaps = Required("num_fmaps"),
                FmapIncFactor = Required("fmap_inc_factor"),
                DownsampleFactors = [.. factors.Select((f, i) => ReadExtent(f, file, $"downsample_factors[{i}]"))],
                KernelSizeDown = ReadKernels(json["kernel_size_down"], file, "kernel_size_down"),
                KernelSizeUp = ReadKernels(json["kernel_size_up"], file, "kernel_size_up"),
                ConstantUpsample = (bool?)json["constant_upsample"] ?? false,
                NumFmapsOut = (int?)json["num_fmaps_out"],
                OutputChannels = (int?)json["output_channels"],
            };
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ModelConfigurationException($"'{file}': {e.Message}", e);
        }
    }

    private static void RefuseUnless(JsonObject json, string file, string field, string supported)
    {
        if (json[field] is JsonNode node && (string?)node != supported)
        {
            throw new ModelConfigurationException($"'{file}': {field} '{node}' is not supported (only '{supported}').");
        }
    }

    private static VoxelExtent ReadExtent(JsonNode? node, string file, string field)
    {
        if (node is JsonValue scalar && scalar.TryGetValue<int>(out var all))
        {
            return VoxelExtent.Cube(all);
        }

        if (node is JsonArray { Count: 3 } array)
        {
            return new VoxelExtent(array[0]!.GetValue<int>(), array[1]!.GetValue<int>(), array[2]!.GetValue<int>());
        }

        throw new ModelConfigurationException(string.Create(CultureInfo.InvariantCulture, $"'{file}': {field} must be an integer or a [z, y, x] list (was {node?.ToJsonString() ?? "null"})."));
    }

    private static IReadOnlyList<IReadOnlyList<VoxelExtent>>? ReadKernels(JsonNode? node, string file, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray levels)
        {
            throw new ModelConfigurationException($"'{file}': {field} must be a list of lists of kernel sizes.");
        }

        return [.. levels.Select((level, i) => level is JsonArray sizes
            ? (IReadOnlyList<VoxelExtent>)[.. sizes.Select((k, j) => ReadExtent(k, file, $"{field}[{i}][{j}]"))]
            : throw new ModelConfigurationException($"'{file}': {field}[{i}] must be a list of kernel sizes."))];
    }
}
