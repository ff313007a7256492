namespace Connectomics.FineTune.Cli;

/// <summary>The tool's exit codes, the same as <c>connectomics-embed</c>'s.</summary>
internal static class ExitCodes
{
    /// <summary>The command finished (or found its run already complete).</summary>
    public const int Success = 0;

    /// <summary>The command failed on its input, its model or the files it touched; one <c>error:</c> line says why.</summary>
    public const int Failed = 1;

    /// <summary>The command line does not parse or does not make sense.</summary>
    public const int UsageError = 2;

    /// <summary>Cancelled with Ctrl+C; the newest checkpoint is kept and the same command continues the run.</summary>
    public const int Cancelled = 130;
}
