using System.Collections.Immutable;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>A version of an in-memory table: every row it holds, the tag of the commit that made it, and whether that commit replaced the contents.</summary>
public sealed record TableVersion(ulong Number, ImmutableList<StoredRow> Rows, CommitTag? Tag, bool Replaced);
