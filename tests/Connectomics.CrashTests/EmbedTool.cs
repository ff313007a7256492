using System.Diagnostics;
using System.Reflection;

namespace Connectomics.CrashTests;

/// <summary>
/// Runs the connectomics-embed tool (the built dll) in its own process: plain, with the crash hook loaded into it
/// (<c>DOTNET_STARTUP_HOOKS</c>, see tests/Connectomics.PipelineCrashHook), or killed with SIGKILL after a delay.
/// </summary>
internal static class EmbedTool
{
    /// <summary>The exit status of a process killed with SIGKILL, as .NET reports it (128 + 9).</summary>
    public const int KilledExitCode = 137;

    private static readonly string Configuration =
        (typeof(EmbedTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug").ToLowerInvariant();

    public static string ToolDll { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Embed", Configuration, "Connectomics.Embed.dll");

    /// <summary>The connectomics-volumes tool, run the same way by the volume crash tests.</summary>
    public static string VolumesToolDll { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Volumes.Tool", Configuration, "connectomics-volumes.dll");

    public static string HookDll { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.PipelineCrashHook", Configuration, "Connectomics.PipelineCrashHook.dll");

    /// <summary>Runs the tool to its end, with the hook when <paramref name="hook"/> has variables for it.</summary>
    public static async Task<ToolRun> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? hook = null, string? tool = null)
    {
        using var process = Start(arguments, hook, tool);
        var started = Stopwatch.GetTimestamp();
        var (stdout, stderr) = Capture(process);
        await process.WaitForExitAsync();
        return new ToolRun(process.ExitCode, await stdout, await stderr, Stopwatch.GetElapsedTime(started), KilledByTest: false);
    }

    /// <summary>Runs the tool and kills it with SIGKILL after <paramref name="delay"/>, unless it ended before.</summary>
    public static async Task<ToolRun> RunAndKillAsync(IReadOnlyList<string> arguments, TimeSpan delay, string? tool = null)
    {
        using var process = Start(arguments, hook: null, tool);
        var started = Stopwatch.GetTimestamp();
        var (stdout, stderr) = Capture(process);
        var killed = false;
        using (var timer = new CancellationTokenSource(delay))
        {
            try
            {
                await process.WaitForExitAsync(timer.Token);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    // SIGKILL on Unix: the process gets no chance to clean up.
                    process.Kill();
                    killed = true;
                }
                catch (InvalidOperationException)
                {
                    // It ended on its own meanwhile.
                }
            }
        }

        await process.WaitForExitAsync();
        return new ToolRun(process.ExitCode, await stdout, await stderr, Stopwatch.GetElapsedTime(started), killed);
    }

    private static Process Start(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? hook, string? tool)
    {
        tool ??= ToolDll;
        if (!File.Exists(tool))
        {
            throw new FileNotFoundException("Build the sample program first.", tool);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The caller's environment must not inject faults into a plain run.
        start.Environment.Remove("CONNECTOMICS_KILL_AT");
        start.Environment.Remove("CONNECTOMICS_POINT_COUNTS");
        if (hook is not null)
        {
            start.Environment["DOTNET_STARTUP_HOOKS"] = HookDll;
            foreach (var (name, value) in hook)
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start)!;
    }

    private static (Task<string> Stdout, Task<string> Stderr) Capture(Process process) =>
        (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
}
