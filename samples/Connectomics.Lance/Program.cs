using System.CommandLine;
using Connectomics.Lance.Commands;

var root = new RootCommand("Looks into Lance tables from a terminal: imports Parquet, shows a table's versions, schema and rows, searches its vectors, removes old versions and orphaned files.")
{
    new ImportCommand(),
    new InfoCommand(),
    new HeadCommand(),
    new SearchCommand(),
    new CleanupCommand(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    return CommandRunner.ReportUsageErrors(parsed.Errors);
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = CommandRunner.CancellationGrace });
