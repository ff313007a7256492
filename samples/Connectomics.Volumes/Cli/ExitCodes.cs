namespace Connectomics.VolumesTool.Cli;

/// <summary>The tool's exit codes, the same as <c>connectomics-embed</c>'s.</summary>
internal static class ExitCodes
{
    /// <summary>The command finished (or the run was already complete).</summary>
    public const int Success = 0;

    /// <summary>The command failed on its input, its model or the files it touched; one <c>error:</c> line says why.</summary>
    public const int Failed = 1;

    /// <summary>The command line does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Cancelled with Ctrl+C; an embedding run keeps what it committed and the same command continues it.</summary>
    public const int Cancelled = 130;
}
