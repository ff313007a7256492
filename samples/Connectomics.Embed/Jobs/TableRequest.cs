using Connectomics.Embed.Cli;
using Connectomics.Samples.Inputs;

namespace Connectomics.Embed.Jobs;

/// <summary>What a table run reads and where it writes: the inputs and their columns, the database and table.</summary>
internal sealed record TableRequest(
    IReadOnlyList<string> Inputs,
    InputFormat Format,
    string IdColumn,
    string SequenceColumn,
    IReadOnlyList<string> Keep,
    bool KeepCase,
    string Database,
    string Table);
