using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Connectomics.Benchmarks;

/// <summary>Process-level measurements shared by the storage modes: peak resident memory and child processes.</summary>
internal static class ProcessStats
{
    /// <summary>Gets a field of <c>/proc/self/status</c> (e.g. <c>VmHWM</c>, the peak resident set) in MiB.</summary>
    public static double StatusMiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>Runs this benchmark program again in a child process with the given arguments; returns its last stdout line.</summary>
    public static string RunSelf(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The child process ({string.Join(' ', args)}) exited with {process.ExitCode}: {output}");
        }

        return output.TrimEnd().Split('\n')[^1];
    }

    /// <summary>Runs a program and returns its stdout; throws with its stderr when it fails.</summary>
    public static string Run(string program, IEnumerable<string> args, string? workingDirectory = null, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program}' exited with {process.ExitCode}: {stderr.Result}\n{stdout}");
        }

        return stdout;
    }
}
