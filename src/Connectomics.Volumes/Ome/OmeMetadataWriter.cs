using System.Text.Json.Nodes;

namespace Connectomics.Volumes.Ome;

/// <summary>Builds the group attributes of an OME-Zarr image: <c>{"multiscales": [...]}</c> with a <c>version</c> in
/// the multiscale (0.4), or <c>{"ome": {"version": "0.5", "multiscales": [...]}}</c> (0.5).</summary>
internal static class OmeMetadataWriter
{
    /// <summary>Gets the version string of a version.</summary>
    public static string VersionString(OmeZarrVersion version) => version == OmeZarrVersion.V04 ? "0.4" : "0.5";

    /// <summary>Builds the attributes.</summary>
    public static JsonObject Attributes(OmeZarrImageOptions options)
    {
        var multiscale = new JsonObject();
        if (options.Version == OmeZarrVersion.V04)
        {
            multiscale["version"] = "0.4";
        }

        if (options.Name is not null)
        {
            multiscale["name"] = options.Name;
        }

        var axes = new JsonArray();
        foreach (var axis in options.Axes)
        {
            var entry = new JsonObject { ["name"] = axis.Name };
            if (axis.Type is not null)
            {
                entry["type"] = axis.Type;
            }

            if (axis.Unit is not null)
            {
                entry["unit"] = axis.Unit;
            }

            axes.Add(entry);
        }

        multiscale["axes"] = axes;
        var datasets = new JsonArray();
        foreach (var level in options.Levels)
        {
            var transformations = new JsonArray { new JsonObject { ["type"] = "scale", ["scale"] = Numbers(level.Scale) } };
            if (level.Translation is not null)
            {
                transformations.Add(new JsonObject { ["type"] = "translation", ["translation"] = Numbers(level.Translation) });
            }

            datasets.Add(new JsonObject { ["path"] = level.Path, ["coordinateTransformations"] = transformations });
        }

        multiscale["datasets"] = datasets;
        if (options.Type is not null)
        {
            multiscale["type"] = options.Type;
        }

        var multiscales = new JsonArray { multiscale };
        return options.Version == OmeZarrVersion.V04
            ? new JsonObject { ["multiscales"] = multiscales }
            : new JsonObject { ["ome"] = new JsonObject { ["version"] = "0.5", ["multiscales"] = multiscales } };
    }

    private static JsonArray Numbers(IReadOnlyList<double> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
