using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Commands;

/// <summary><c>cleanup</c>: removes old versions of a table and the files no remaining version refers to, as LanceDB's cleanup does.</summary>
internal sealed class CleanupCommand : Command
{
    private static readonly (LanceCleanupFileKind Kind, string Label)[] Kinds =
    [
        (LanceCleanupFileKind.Manifest, "manifests"),
        (LanceCleanupFileKind.Transaction, "transactions"),
        (LanceCleanupFileKind.Data, "data files"),
        (LanceCleanupFileKind.Deletion, "deletion files"),
        (LanceCleanupFileKind.Temporary, "temporary files"),
    ];

    private readonly TableOptions _table = new();

    private readonly Option<TimeSpan> _olderThan = new("--older-than")
    {
        Description = "Remove only versions and files older than this (s, m, h or d: 12h, 7d); 0s removes everything unreferenced, safe only while no one writes.",
        DefaultValueFactory = _ => TimeSpan.FromDays(7),
        CustomParser = DurationText.Parse,
    };

    private readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "List what would be removed, removing nothing.",
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "One JSON object: the versions removed and kept, and every file with its kind and size.",
    };

    public CleanupCommand()
        : base("cleanup", "Removes old versions of a table (never the latest) and every file no remaining version refers to, such as what a killed import left.")
    {
        _table.AddTo(this);
        Options.Add(_olderThan);
        Options.Add(_dryRun);
        Options.Add(_json);
        SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var location = _table.Get(parsed);
            if (!Directory.Exists(location.Path))
            {
                throw new CommandInputException($"table '{location.Name}' does not exist in '{location.Database}' (no directory '{location.Path}').");
            }

            var options = new LanceCleanupOptions { OlderThan = parsed.GetValue(_olderThan), DryRun = parsed.GetValue(_dryRun) };
            var result = await LanceTable.CleanupAsync(location.Path, options, cancellationToken);
            if (parsed.GetValue(_json))
            {
                using var stdout = Console.OpenStandardOutput();
                WriteJson(stdout, result);
            }
            else
            {
                WriteText(Console.Out, result);
            }

            return 0;
        }));
    }

    private static void WriteText(TextWriter output, LanceCleanupResult result)
    {
        var culture = CultureInfo.InvariantCulture;
        var verb = result.DryRun ? "would remove" : "removed";
        output.WriteLine(string.Create(culture, $"{(result.DryRun ? "dry run, nothing removed: " : string.Empty)}{result.TablePath}"));
        output.WriteLine(string.Create(culture,
            $"{verb} {result.RemovedVersions.Count} version(s){(result.RemovedVersions.Count > 0 ? $" ({string.Join(", ", result.RemovedVersions)})" : string.Empty)}; versions left: {string.Join(", ", result.RemainingVersions)}"));
        foreach (var (kind, label) in Kinds)
        {
            output.WriteLine(string.Create(culture, $"  {label + ":",-16} {result.Count(kind),6} file(s) {Size(result.BytesOf(kind))}"));
        }

        output.WriteLine(string.Create(culture, $"{verb} {result.Files.Count} file(s), {Size(result.Bytes)}"));
    }

    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes ({bytes / (1024.0 * 1024):F1} MiB)");

    private static void WriteJson(Stream stdout, LanceCleanupResult result)
    {
        using (var json = new Utf8JsonWriter(stdout))
        {
            json.WriteStartObject();
            json.WriteString("table", result.TablePath);
            json.WriteBoolean("dry_run", result.DryRun);
            json.WriteStartArray("removed_versions");
            foreach (var version in result.RemovedVersions)
            {
                json.WriteNumberValue(version);
            }

            json.WriteEndArray();
            json.WriteStartArray("remaining_versions");
            foreach (var version in result.RemainingVersions)
            {
                json.WriteNumberValue(version);
            }

            json.WriteEndArray();
            json.WriteNumber("files_removed", result.Files.Count);
            json.WriteNumber("bytes_removed", result.Bytes);
            json.WriteStartArray("files");
            foreach (var file in result.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.RelativePath);
                json.WriteString("kind", file.Kind.ToString().ToLowerInvariant());
                json.WriteNumber("bytes", file.Bytes);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }
}
