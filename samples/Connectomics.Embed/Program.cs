using System.CommandLine;
using Connectomics;
using Connectomics.Embed.Cli;
using Connectomics.Embed.Jobs;
using Connectomics.Embed.Metrics;
using Microsoft.Extensions.Logging;

var options = new EmbedCommandLine();
var root = options.CreateRoot();
root.SetAction(async (parsed, cancellationToken) =>
{
    using var loggerFactory = LoggerFactory.Create(b => b
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
        .SetMinimumLevel(parsed.GetValue(options.Verbose) ? LogLevel.Debug : LogLevel.Warning));
    try
    {
        if (parsed.GetValue(options.Adapter) is not null && parsed.GetValue(options.Weights) is null)
        {
            return CommandLineErrors.Report("--adapter needs --weights DIR, the base checkpoint the adapter was trained on.");
        }

        var inputs = Split(parsed.GetValue(options.Input));
        var legacy = parsed.GetValue(options.Fasta) is not null || parsed.GetValue(options.Jsonl) is not null;
        if (legacy && inputs.Count > 0)
        {
            return CommandLineErrors.Report("--input writes a table; --fasta/--jsonl is the JSON-lines form: use one or the other.");
        }

        if (legacy)
        {
            return await JsonlJob.RunAsync(parsed, options, loggerFactory, cancellationToken);
        }

        if (inputs.Count == 0)
        {
            return await DemoJob.RunAsync(parsed, options, loggerFactory, cancellationToken);
        }

        var database = parsed.GetValue(options.Database);
        var table = parsed.GetValue(options.Table);
        if (database is null || table is null)
        {
            return CommandLineErrors.Report("--input needs --db DIR and --table NAME.");
        }

        var request = new TableRequest(
            inputs,
            parsed.GetValue(options.Format),
            parsed.GetValue(options.IdColumn)!,
            parsed.GetValue(options.SequenceColumn)!,
            Split(parsed.GetValue(options.Keep)),
            parsed.GetValue(options.KeepCase),
            database,
            table);
        using var metrics = parsed.GetValue(options.MetricsPort) is { } port ? PrometheusMetricsEndpoint.Start(port) : null;
        if (metrics is not null)
        {
            Console.Error.WriteLine($"metrics: {metrics.Address}");
        }

        var (code, _) = await TableJob.RunAsync(parsed, options, request, loggerFactory, cancellationToken);
        return code;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine("error: cancelled before anything could be committed; run the same command to start again.");
        return ExitCodes.Cancelled;
    }
    catch (Exception e) when (e is ConnectomicsException or IOException or UnauthorizedAccessException or FormatException
        or InvalidDataException or InvalidOperationException or System.ComponentModel.DataAnnotations.ValidationException)
    {
        Console.Error.WriteLine("error: " + CommandLineErrors.OneLine(e.Message));
        return ExitCodes.Failed;
    }
});

var parsedArguments = root.Parse(args);
if (parsedArguments.Errors.Count > 0)
{
    return CommandLineErrors.Report(string.Join(" ", parsedArguments.Errors.Select(e => e.Message)));
}

// Ctrl+C cancels the run, which then commits what it has written and prints its summary; the default grace of two
// seconds would end the process before that commit and leave the summary unsaid.
return await parsedArguments.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(1) });

static List<string> Split(string[]? values) =>
    [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
