using System.Globalization;
using Connectomics.Gpu.Models;

namespace Connectomics.FineTune.Jobs;

/// <summary>One line that says which model a command runs, how big it is and where.</summary>
internal static class ModelDescription
{
    public static string Of(NucleotideTransformerModel model, string origin)
    {
        var parameters = model.Module.parameters().Sum(p => p.numel());
        return string.Create(CultureInfo.InvariantCulture,
            $"model {model.Name} ({origin}): {model.Config.HiddenSize}-dim, {model.Config.NumHiddenLayers} layers, {parameters:N0} parameters, on {model.Device}");
    }
}
