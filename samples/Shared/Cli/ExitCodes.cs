namespace Connectomics.Samples.Cli;

/// <summary>The sample tools' exit codes, the same as <c>connectomics-lance</c>'s.</summary>
internal static class ExitCodes
{
    /// <summary>The run finished (or was already complete).</summary>
    public const int Success = 0;

    /// <summary>The run failed on its input, its model or the files it touched; one <c>error:</c> line says why.</summary>
    public const int Failed = 1;

    /// <summary>The command line does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Cancelled with Ctrl+C after committing what was done; the same command continues the run.</summary>
    public const int Cancelled = 130;
}
