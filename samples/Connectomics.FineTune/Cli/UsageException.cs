namespace Connectomics.FineTune.Cli;

/// <summary>A command line that parses but does not make sense (two options that exclude each other, a value out of
/// range); reported as one <c>error:</c> line with exit code <see cref="ExitCodes.UsageError"/>.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
