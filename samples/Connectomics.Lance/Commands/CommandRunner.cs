using System.CommandLine.Parsing;

namespace Connectomics.Lance.Commands;

/// <summary>Runs a command's work and turns expected failures into one <c>error:</c> line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    /// <summary>The exit code of a run that failed on its input or on the files it touched.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>The exit code of a run cancelled with Ctrl+C (SIGINT) or SIGTERM, after it removed its uncommitted files.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// Gets how long a cancelled run may take to finish and remove its uncommitted files before the process exits
    /// anyway. Long enough for the cleanup; the runtime's default of 2 seconds could cut it short.
    /// </summary>
    public static TimeSpan CancellationGrace { get; } = TimeSpan.FromMinutes(1);

    public static async Task<int> RunAsync(Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("error: cancelled.");
            return Cancelled;
        }
        catch (Exception e) when (e is CommandInputException or ConnectomicsException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("error: " + OneLine(e.Message));
            return Failed;
        }
        catch (Exception e)
        {
            // Anything unforeseen still ends in one line and the documented exit code, not a stack trace.
            await Console.Error.WriteLineAsync($"error: {OneLine(e.Message)} ({e.GetType().Name})");
            return Failed;
        }
    }

    public static int ReportUsageErrors(IReadOnlyList<ParseError> errors)
    {
        Console.Error.WriteLine("error: " + OneLine(string.Join(" ", errors.Select(e => e.Message))) + " (--help lists the options)");
        return UsageError;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
