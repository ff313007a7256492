using System.Globalization;
using System.Text.Json;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Ome;

/// <summary>
/// Reads OME-Zarr <c>multiscales</c> from a group's attributes: 0.5 under <c>ome</c> (with <c>ome.version</c>), 0.4 and
/// older at the top level (with a <c>version</c> in each multiscale, absent in some writers' files). Tolerant where files
/// in the wild differ harmlessly (axes as plain names, as in 0.3; no transformations, read as scale 1; an
/// <c>identity</c> transformation); a malformed field is a <see cref="VolumeFormatException"/> naming it and the file.
/// </summary>
internal static class OmeMetadataReader
{
    /// <summary>Reads the multiscales of a group, or returns <see langword="null"/> when its attributes have none.</summary>
    /// <param name="attributes">The group's attributes (a JSON object).</param>
    /// <param name="file">The metadata file, as errors name it.</param>
    /// <returns>The multiscale images, or <see langword="null"/>.</returns>
    public static IReadOnlyList<OmeMultiscale>? Read(JsonElement attributes, string file)
    {
        if (attributes.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? version = null;
        var field = "multiscales";
        JsonElement multiscales;
        if (attributes.TryGetProperty("ome", out var ome) && ome.ValueKind == JsonValueKind.Object && ome.TryGetProperty("multiscales", out multiscales))
        {
            field = "ome.multiscales";
            if (!ome.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.String)
            {
                throw new VolumeFormatException(file, "field 'ome.version' is missing or not a string; OME-Zarr 0.5 metadata names its version.");
            }

            version = v.GetString();
        }
        else if (!attributes.TryGetProperty("multiscales", out multiscales))
        {
            return null;
        }

        if (multiscales.ValueKind != JsonValueKind.Array || multiscales.GetArrayLength() == 0)
        {
            throw new VolumeFormatException(file, $"field '{field}' is {Describe(multiscales)}; it is a non-empty array of multiscale images.");
        }

        var images = new List<OmeMultiscale>();
        var index = 0;
        foreach (var element in multiscales.EnumerateArray())
        {
            images.Add(ReadMultiscale(element, $"{field}[{index}]", file, version));
            index++;
        }

        return images;
    }

    private static OmeMultiscale ReadMultiscale(JsonElement element, string field, string file, string? version)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new VolumeFormatException(file, $"field '{field}' is {Describe(element)}, not an object.");
        }

        if (version is null)
        {
            version = element.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "0.4";
        }

        if (!element.TryGetProperty("axes", out var axesElement) || axesElement.ValueKind != JsonValueKind.Array || axesElement.GetArrayLength() == 0)
        {
            throw new VolumeFormatException(file, $"field '{field}.axes' is missing or not a non-empty array.");
        }

        var axes = new List<OmeAxis>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var a = 0;
        foreach (var axis in axesElement.EnumerateArray())
        {
            var axisField = $"{field}.axes[{a}]";
            var parsed = axis.ValueKind switch
            {
                JsonValueKind.String => new OmeAxis(axis.GetString()!),
                JsonValueKind.Object => new OmeAxis(
                    RequiredString(axis, "name", axisField, file),
                    OptionalString(axis, "type", axisField, file),
                    OptionalString(axis, "unit", axisField, file)),
                _ => throw new VolumeFormatException(file, $"field '{axisField}' is {Describe(axis)}; an axis is an object with a name."),
            };
            if (!names.Add(parsed.Name))
            {
                throw new VolumeFormatException(file, $"field '{axisField}.name' repeats the axis name '{parsed.Name}'.");
            }

            axes.Add(parsed);
            a++;
        }

        if (!element.TryGetProperty("datasets", out var datasetsElement) || datasetsElement.ValueKind != JsonValueKind.Array || datasetsElement.GetArrayLength() == 0)
        {
            throw new VolumeFormatException(file, $"field '{field}.datasets' is missing or not a non-empty array.");
        }

        var datasets = new List<OmeDataset>();
        var d = 0;
        foreach (var dataset in datasetsElement.EnumerateArray())
        {
            var datasetField = $"{field}.datasets[{d}]";
            if (dataset.ValueKind != JsonValueKind.Object)
            {
                throw new VolumeFormatException(file, $"field '{datasetField}' is {Describe(dataset)}, not an object.");
            }

            var path = RequiredString(dataset, "path", datasetField, file).Trim('/');
            if (path.Length == 0)
            {
                throw new VolumeFormatException(file, $"field '{datasetField}.path' is empty.");
            }

            var (scale, translation) = ReadTransformations(dataset, $"{datasetField}.coordinateTransformations", axes.Count, file);
            datasets.Add(new OmeDataset(path, scale ?? [.. Enumerable.Repeat(1.0, axes.Count)], translation));
            d++;
        }

        var (wideScale, wideTranslation) = ReadTransformations(element, $"{field}.coordinateTransformations", axes.Count, file);
        return new OmeMultiscale
        {
            Version = version,
            Name = OptionalString(element, "name", field, file),
            Type = OptionalString(element, "type", field, file),
            Axes = axes,
            Datasets = datasets,
            Scale = wideScale,
            Translation = wideTranslation,
        };
    }

    private static (IReadOnlyList<double>? Scale, IReadOnlyList<double>? Translation) ReadTransformations(JsonElement owner, string field, int rank, string file)
    {
        if (!owner.TryGetProperty("coordinateTransformations", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new VolumeFormatException(file, $"field '{field}' is {Describe(list)}, not an array.");
        }

        IReadOnlyList<double>? scale = null;
        IReadOnlyList<double>? translation = null;
        var i = 0;
        foreach (var transformation in list.EnumerateArray())
        {
            var itemField = $"{field}[{i}]";
            var type = transformation.ValueKind == JsonValueKind.Object ? RequiredString(transformation, "type", itemField, file)
                : throw new VolumeFormatException(file, $"field '{itemField}' is {Describe(transformation)}, not an object.");
            switch (type)
            {
                case "identity":
                    break;
                case "scale":
                    scale = Combine(scale, ReadVector(transformation, "scale", itemField, rank, file), (x, y) => x * y);
                    if (scale.Any(value => !(value > 0) || double.IsInfinity(value)))
                    {
                        throw new VolumeFormatException(file, $"field '{itemField}.scale' has a value that is not a positive number.");
                    }

                    break;
                case "translation":
                    translation = Combine(translation, ReadVector(transformation, "translation", itemField, rank, file), (x, y) => x + y);
                    break;
                default:
                    throw new VolumeFeatureNotSupportedException(file, $"coordinate transformation '{type}' ({itemField})", "only scale and translation are read.");
            }

            i++;
        }

        return (scale, translation);
    }

    private static double[] Combine(IReadOnlyList<double>? first, double[] second, Func<double, double, double> combine) =>
        first is null ? second : [.. first.Select((value, axis) => combine(value, second[axis]))];

    private static double[] ReadVector(JsonElement transformation, string name, string field, int rank, string file)
    {
        if (!transformation.TryGetProperty(name, out var values))
        {
            if (transformation.TryGetProperty("path", out _))
            {
                throw new VolumeFeatureNotSupportedException(file, $"a {name} stored in a binary file ({field}.path)", "only inline values are read.");
            }

            throw new VolumeFormatException(file, $"field '{field}.{name}' is missing.");
        }

        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != rank)
        {
            throw new VolumeFormatException(file, $"field '{field}.{name}' is {Describe(values)}; it is an array of {rank} numbers, one per axis.");
        }

        var result = new double[rank];
        var i = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out result[i]) || !double.IsFinite(result[i]))
            {
                throw new VolumeFormatException(file, $"field '{field}.{name}[{i}]' is {Describe(value)}, not a finite number.");
            }

            i++;
        }

        return result;
    }

    private static string RequiredString(JsonElement owner, string name, string field, string file) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new VolumeFormatException(file, $"field '{field}.{name}' is {(owner.TryGetProperty(name, out value) ? Describe(value) : "missing")}; it is a non-empty string.");

    private static string? OptionalString(JsonElement owner, string name, string field, string file)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new VolumeFormatException(file, $"field '{field}.{name}' is {Describe(value)}, not a string.");
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.ValueKind}"),
    };
}
