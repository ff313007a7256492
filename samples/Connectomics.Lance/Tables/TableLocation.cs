using Connectomics.Lance.Commands;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Tables;

/// <summary>A table named in a database directory, stored as <c>&lt;db&gt;/&lt;name&gt;.lance</c> as LanceDB stores it.</summary>
internal sealed record TableLocation(string Database, string Name)
{
    public string Path { get; } = System.IO.Path.Combine(Database, Name + ".lance");

    public bool Exists => LanceTable.ListVersions(Path).Count > 0;

    public async Task<LanceTable> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Exists)
        {
            throw new CommandInputException($"table '{Name}' does not exist in '{Database}' (no table versions in '{Path}').");
        }

        return await LanceTable.OpenAsync(Path, cancellationToken);
    }

    public override string ToString() => Path;
}
