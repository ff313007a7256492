namespace Connectomics.Lance.Commands;

/// <summary>Input a command cannot use (a file, table, column, row or option value); its message names which and why.</summary>
internal sealed class CommandInputException : Exception
{
    public CommandInputException()
    {
    }

    public CommandInputException(string message)
        : base(message)
    {
    }

    public CommandInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
