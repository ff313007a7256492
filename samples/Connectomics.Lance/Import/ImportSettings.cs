using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Import;

/// <summary>What an import reads and where it writes.</summary>
internal sealed record ImportSettings(
    IReadOnlyList<string> Inputs,
    TableLocation Table,
    string VectorColumn,
    LanceWriteMode Mode,
    LanceDataStorageVersion Format,
    int BatchRows);
