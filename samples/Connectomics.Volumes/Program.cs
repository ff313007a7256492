using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using Connectomics;
using Connectomics.VolumesTool.Cli;
using Connectomics.VolumesTool.Commands;
using Microsoft.Extensions.Logging;

var options = new VolumesCommandLine();
var root = options.CreateRoot();

root.SetAction((parsed, cancellationToken) => Guarded(parsed, _ =>
    DemoCommand.RunAsync(parsed.GetValue(options.DemoDirectory)!, parsed.GetValue(options.DemoSize), _, cancellationToken), cancellationToken));
options.Info.SetAction((parsed, cancellationToken) => Guarded(parsed, _ =>
    InfoCommand.RunAsync(parsed.GetValue(options.InfoStore)!, Console.Out, cancellationToken), cancellationToken));
options.Convert.SetAction((parsed, cancellationToken) => Guarded(parsed, loggerFactory =>
{
    int[]? chunk, shard;
    try
    {
        chunk = parsed.GetValue(options.ChunkShape) is { } c ? ShapeText.Parse(c, "--chunk-shape") : null;
        shard = parsed.GetValue(options.ShardShape) is { } s ? ShapeText.Parse(s, "--shard-shape") : null;
    }
    catch (FormatException e)
    {
        return Task.FromResult(CommandLineErrors.Report(e.Message));
    }

    var request = new ConvertCommand.Request(
        parsed.GetValue(options.ConvertSource)!,
        parsed.GetValue(options.ConvertDestination)!,
        parsed.GetValue(options.Format)!,
        parsed.GetValue(options.Array),
        parsed.GetValue(options.Codec),
        parsed.GetValue(options.Level),
        chunk,
        shard,
        parsed.GetValue(options.CacheMegabytes),
        parsed.GetValue(options.Concurrency));
    return ConvertCommand.RunAsync(request, loggerFactory, cancellationToken);
}, cancellationToken));

options.Embed.SetAction((parsed, cancellationToken) => Guarded(parsed, async loggerFactory =>
{
    var request = new EmbedCommand.Request
    {
        Source = parsed.GetValue(options.EmbedSource)!,
        Array = parsed.GetValue(options.Array),
        Database = parsed.GetValue(options.Database)!,
        Table = parsed.GetValue(options.Table)!,
        Block = parsed.GetValue(options.Block),
        Halo = parsed.GetValue(options.Halo)!,
        Cell = parsed.GetValue(options.Cell),
        PerBlock = parsed.GetValue(options.PerBlock),
        Points = parsed.GetValue(options.Points),
        Preset = parsed.GetValue(options.Preset)!,
        Weights = parsed.GetValue(options.Weights),
        Seed = parsed.GetValue(options.Seed),
        CacheMegabytes = parsed.GetValue(options.CacheMegabytes),
        Concurrency = parsed.GetValue(options.Concurrency),
        Shard = parsed.GetValue(options.Shard),
        ShardCount = parsed.GetValue(options.ShardCount),
        RunId = parsed.GetValue(options.RunId)!,
        CheckpointBlocks = parsed.GetValue(options.CheckpointBlocks),
        Restart = parsed.GetValue(options.Restart),
    };
    return (await EmbedCommand.RunAsync(request, loggerFactory, cancellationToken)).Code;
}, cancellationToken));

var parsedArguments = root.Parse(args);
if (parsedArguments.Errors.Count > 0)
{
    return CommandLineErrors.Report(string.Join(" ", parsedArguments.Errors.Select(e => e.Message)));
}

return await parsedArguments.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(1) });

// Runs a command with a logger, turning the failures a user can act on into one 'error:' line.
async Task<int> Guarded(ParseResult parsed, Func<ILoggerFactory, Task<int>> command, CancellationToken cancellationToken)
{
    using var loggerFactory = LoggerFactory.Create(b => b
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
        .SetMinimumLevel(parsed.GetValue(options.Verbose) ? LogLevel.Debug : LogLevel.Warning));
    try
    {
        return await command(loggerFactory);
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine("error: cancelled; what was stored stays whole (a conversion's destination is incomplete: convert again into a new directory).");
        return ExitCodes.Cancelled;
    }
    catch (Exception e) when (e is ConnectomicsException or IOException or UnauthorizedAccessException or FormatException or InvalidDataException
        or InvalidOperationException or ValidationException or ArgumentException or HttpRequestException or NotSupportedException or TimeoutException)
    {
        Console.Error.WriteLine("error: " + CommandLineErrors.OneLine(e.Message));
        return ExitCodes.Failed;
    }
}
