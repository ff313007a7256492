// Loaded into a process of the connectomics-embed tool with DOTNET_STARTUP_HOOKS=<this dll>, before its Main runs.
//
//   CONNECTOMICS_KILL_AT=<point>:<n>   kill this process with SIGKILL the n-th time <point> is reached (n from 1),
//                                      after writing "killed at <point>:<n>" to stderr
//   CONNECTOMICS_POINT_COUNTS=<file>   at a normal exit, write "<point> <times reached>" lines to <file>
//
// The points are the engine's (PipelineFaults: chunk-read, chunk-prepared, chunk-encoded, quarantine-written,
// chunk-written, before-commit, after-commit) and the Lance commit's stages (CrashPoints.LanceStages:
// lance-commit-starting, lance-transaction-written, lance-manifest-staged, lance-manifest-published), the last counted
// for every commit, the table's creation included.
using Connectomics.PipelineCrashHook;

internal static class StartupHook
{
    public static void Initialize()
    {
        var killAt = Environment.GetEnvironmentVariable(CrashPoints.KillAtVariable);
        var countsFile = Environment.GetEnvironmentVariable(CrashPoints.CountsVariable);
        if (string.IsNullOrEmpty(killAt) && string.IsNullOrEmpty(countsFile))
        {
            return;
        }

        var points = new CrashPoints(string.IsNullOrEmpty(killAt) ? null : CrashPoints.ParseTarget(killAt));
        points.Install();
        if (!string.IsNullOrEmpty(countsFile))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => File.WriteAllLines(countsFile, points.Counts());
        }
    }
}
