using System.CommandLine;
using Connectomics;
using Connectomics.FineTune.Cli;
using Connectomics.FineTune.Jobs;
using Connectomics.Lora.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

var cli = new FineTuneCommandLine();
var root = cli.CreateRoot();
root.Subcommands.Single(c => c.Name == "pretrain").SetAction((parsed, ct) =>
    Execute(parsed.GetValue(cli.Pretrain.Verbose), lf => PretrainJob.RunAsync(cli.Pretrain.ToRequest(parsed), lf, ct), ct));
root.Subcommands.Single(c => c.Name == "train").SetAction((parsed, ct) =>
    Execute(parsed.GetValue(cli.Train.Verbose), lf => TrainJob.RunAsync(cli.Train.ToRequest(parsed), lf, ct), ct));
root.Subcommands.Single(c => c.Name == "predict").SetAction((parsed, ct) =>
    Execute(parsed.GetValue(cli.Predict.Verbose), _ => PredictJob.RunAsync(cli.Predict.ToRequest(parsed), ct), ct));
root.SetAction((parsed, ct) =>
    Execute(parsed.GetValue(cli.Verbose), async lf => { await DemoJob.RunAsync(cli.ToDemoRequest(parsed), lf, ct); return true; }, ct));

var parsedArguments = root.Parse(args);
if (parsedArguments.Errors.Count > 0)
{
    return CommandLineErrors.Report(string.Join(" ", parsedArguments.Errors.Select(e => e.Message)));
}

// Ctrl+C stops training at the next step boundary; the newest checkpoint stays valid. The default grace of two seconds
// could end the process inside a long step.
return await parsedArguments.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(1) });

static async Task<int> Execute<T>(bool verbose, Func<ILoggerFactory, Task<T>> work, CancellationToken cancellationToken)
{
    using var loggerFactory = LoggerFactory.Create(b => b
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
        .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning));
    try
    {
        TorchSetup.Configure(loggerFactory, verbose);
        await work(loggerFactory);
        return ExitCodes.Success;
    }
    catch (UsageException e)
    {
        return CommandLineErrors.Report(e.Message);
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine("cancelled: the newest checkpoint is kept; run the same command to continue from it.");
        return ExitCodes.Cancelled;
    }
    catch (CheckpointMismatchException e)
    {
        Console.Error.WriteLine($"error: the output directory holds a run with other settings or data ({string.Join("; ", e.Differences)}) in {e.CheckpointPath}; run with the same settings to resume it, or choose another --out.");
        return ExitCodes.Failed;
    }
    catch (Exception e) when (e is ConnectomicsException or IOException or UnauthorizedAccessException or FormatException or InvalidDataException
        or InvalidOperationException or ArgumentException or System.ComponentModel.DataAnnotations.ValidationException or Microsoft.Extensions.Options.OptionsValidationException)
    {
        Console.Error.WriteLine("error: " + CommandLineErrors.OneLine(e.Message));
        return ExitCodes.Failed;
    }
}
