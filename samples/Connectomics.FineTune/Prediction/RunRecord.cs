using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectomics.FineTune.Prediction;

/// <summary>
/// What <c>train</c> notes in its run directory (<c>connectomics-finetune.json</c>) for <c>predict</c>: the base model
/// it trained on and how many tokens it kept per read, so that prediction reads the reads as training did.
/// </summary>
internal sealed record RunRecord
{
    /// <summary>The file's name in the run directory.</summary>
    public const string FileName = "connectomics-finetune.json";

    /// <summary>Gets the base model's directory, as a full path.</summary>
    [JsonPropertyName("base_model")]
    public required string BaseModel { get; init; }

    /// <summary>Gets the most tokens a read kept, <c>&lt;cls&gt;</c> included.</summary>
    [JsonPropertyName("max_tokens")]
    public required int MaxTokens { get; init; }

    /// <summary>Reads the record of a run directory.</summary>
    /// <param name="directory">The run directory.</param>
    /// <returns>The record, or <see langword="null"/> when the directory has none.</returns>
    /// <exception cref="InvalidDataException">The file is not a record.</exception>
    public static RunRecord? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds no run record.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a run record: {e.Message}", e);
        }
    }

    /// <summary>Writes the record into a run directory, atomically.</summary>
    /// <param name="directory">The run directory.</param>
    public void Write(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
