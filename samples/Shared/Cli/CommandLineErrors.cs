namespace Connectomics.Samples.Cli;

/// <summary>One <c>error:</c> line on stderr for a command line that does not parse or does not make sense.</summary>
internal static class CommandLineErrors
{
    public static int Report(string message)
    {
        Console.Error.WriteLine("error: " + OneLine(message) + " (--help lists the options)");
        return ExitCodes.UsageError;
    }

    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
