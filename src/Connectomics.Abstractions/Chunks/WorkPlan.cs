using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Connectomics.Chunks;

/// <summary>
/// The work units of one shard, chosen from all units of a source deterministically and balanced by cost. Two splits:
/// <see cref="Create"/> takes units largest first (ties by ordinal) and gives each to the shard with the least weight
/// so far (ties to the lowest index); <see cref="CreateContiguous"/> gives each shard one contiguous run of the
/// ordinal order (<see cref="ContiguousRange"/>), which keeps neighbouring units (volume blocks in Morton order)
/// together. Every shard of a run computes the same split without talking to the others. A shard does its units in
/// ordinal order.
/// </summary>
public sealed class WorkPlan
{
    private WorkPlan(IReadOnlyList<WorkUnit> allUnits, ShardAssignment shard, IReadOnlyList<WorkUnit> units, string inputFingerprint)
    {
        AllUnits = allUnits;
        Shard = shard;
        Units = units;
        InputFingerprint = inputFingerprint;
    }

    /// <summary>Gets every unit of the source, in ordinal order.</summary>
    public IReadOnlyList<WorkUnit> AllUnits { get; }

    /// <summary>Gets the shard this plan is for.</summary>
    public ShardAssignment Shard { get; }

    /// <summary>Gets this shard's units, in ordinal order.</summary>
    public IReadOnlyList<WorkUnit> Units { get; }

    /// <summary>
    /// Gets a fingerprint of the whole input (every unit's key and cost, not only this shard's): equal for every shard
    /// of a run, and different when a file is added, removed or changed in size. Lower-case hex of a SHA-256.
    /// </summary>
    public string InputFingerprint { get; }

    /// <summary>Gets the summed weight of this shard's units.</summary>
    public long Weight => Units.Sum(u => u.Cost.Weight);

    /// <summary>Splits <paramref name="units"/> between shards and returns <paramref name="shard"/>'s part.</summary>
    /// <param name="units">Every unit of the source; ordinals must be distinct, keys unique.</param>
    /// <param name="shard">The shard to plan for.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">Two units share a key or an ordinal.</exception>
    public static WorkPlan Create(IEnumerable<WorkUnit> units, ShardAssignment shard)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(shard);
        var all = Ordered(units);
        var mine = new List<WorkUnit>();
        if (shard.Count == 1)
        {
            mine.AddRange(all);
        }
        else
        {
            var load = new long[shard.Count];
            foreach (var unit in all.OrderByDescending(u => u.Cost.Weight).ThenBy(u => u.Ordinal))
            {
                var target = 0;
                for (var s = 1; s < load.Length; s++)
                {
                    if (load[s] < load[target])
                    {
                        target = s;
                    }
                }

                load[target] += Math.Max(1, unit.Cost.Weight);
                if (target == shard.Index)
                {
                    mine.Add(unit);
                }
            }

            mine.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        }

        return new WorkPlan(all, shard, mine, Fingerprint(all));
    }

    /// <summary>
    /// Splits <paramref name="units"/> between shards in contiguous runs of their ordinal order, balanced by
    /// <see cref="WorkUnitCost.Weight"/> (<see cref="ContiguousRange"/>), and returns <paramref name="shard"/>'s part.
    /// The plan's <see cref="InputFingerprint"/> is the one <see cref="Create"/> gives for the same units.
    /// </summary>
    /// <param name="units">Every unit of the source; ordinals must be distinct, keys unique.</param>
    /// <param name="shard">The shard to plan for.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">Two units share a key or an ordinal.</exception>
    public static WorkPlan CreateContiguous(IEnumerable<WorkUnit> units, ShardAssignment shard)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(shard);
        var all = Ordered(units);
        var (start, stop) = ContiguousRange(all.Select(u => u.Cost.Weight).ToArray(), shard);
        return new WorkPlan(all, shard, all[start..stop], Fingerprint(all));
    }

    /// <summary>
    /// Gets one shard's part of a contiguous split of items in order: the parts of shards 0 … N − 1 follow one another
    /// and cover every item once. Each item goes to the shard whose share of the total weight holds the item's middle
    /// (<c>floor(N · (before + weight / 2) / total)</c>), so each part's weight is within about one item's weight of
    /// <c>total / N</c>; then, when there are at least as many items as shards, each boundary is moved just enough
    /// for every shard to get at least one item (with fewer items than shards, shard <c>i</c> takes item
    /// <c>i</c> and the rest none). A weight below 1 counts as 1. Deterministic: every shard computes the same split.
    /// </summary>
    /// <param name="weights">Each item's weight, in order.</param>
    /// <param name="shard">The shard.</param>
    /// <returns>The shard's items, as the half-open index range <c>[Start, Stop)</c> (empty only with fewer items than shards).</returns>
    public static (int Start, int Stop) ContiguousRange(IReadOnlyList<long> weights, ShardAssignment shard)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(shard);
        var count = weights.Count;
        var shards = shard.Count;
        if (count < shards)
        {
            return (Math.Min(shard.Index, count), Math.Min(shard.Index + 1, count));
        }

        Int128 total = 0;
        for (var i = 0; i < count; i++)
        {
            total += Math.Max(1, weights[i]);
        }

        // bounds[k] is where shard k starts; shard k owns [bounds[k], bounds[k + 1]).
        var bounds = new int[shards + 1];
        bounds[shards] = count;
        Int128 before = 0;
        var owner = 0;
        for (var i = 0; i < count; i++)
        {
            var weight = Math.Max(1, weights[i]);
            var mine = (int)Int128.Min(shards - 1, shards * ((2 * before) + weight) / (2 * total));
            while (owner < mine)
            {
                bounds[++owner] = i;
            }

            before += weight;
        }

        while (owner < shards - 1)
        {
            bounds[++owner] = count;
        }

        // Every shard at least one item: shard k starts after k items and leaves one to each shard after it.
        for (var k = 1; k < shards; k++)
        {
            bounds[k] = Math.Min(Math.Max(bounds[k], bounds[k - 1] + 1), count - (shards - k));
        }

        return (bounds[shard.Index], bounds[shard.Index + 1]);
    }

    /// <summary>Gets the units still to do from <paramref name="position"/> on, with the offset to start each at.</summary>
    /// <param name="position">Where the shard stands (<see cref="WorkPosition.Done"/>: nothing remains).</param>
    /// <returns>The remaining units in order; the first may start at a non-zero offset.</returns>
    /// <exception cref="ArgumentException">The position names a unit that is not in this shard's plan.</exception>
    public IReadOnlyList<(WorkUnit Unit, long Offset)> Remaining(WorkPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (position.IsDone)
        {
            return [];
        }

        for (var i = 0; i < Units.Count; i++)
        {
            if (string.Equals(Units[i].Key, position.UnitKey, StringComparison.Ordinal))
            {
                return [(Units[i], position.Offset), .. Units.Skip(i + 1).Select(u => (u, 0L))];
            }
        }

        throw new ArgumentException($"The position '{position}' names a unit that is not in shard {Shard}'s plan.", nameof(position));
    }

    /// <summary>Gets the position after <paramref name="unit"/> is wholly done: the start of the next unit, or done.</summary>
    /// <param name="unit">A unit of this plan.</param>
    /// <returns>The position.</returns>
    public WorkPosition After(WorkUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        for (var i = 0; i < Units.Count; i++)
        {
            if (ReferenceEquals(Units[i], unit) || string.Equals(Units[i].Key, unit.Key, StringComparison.Ordinal))
            {
                return i + 1 < Units.Count ? WorkPosition.Within(Units[i + 1].Key, 0) : WorkPosition.Done;
            }
        }

        throw new ArgumentException($"The unit '{unit.Key}' is not in shard {Shard}'s plan.", nameof(unit));
    }

    /// <summary>Gets the position where this shard starts: its first unit, or done when it has none.</summary>
    public WorkPosition Start => Units.Count > 0 ? WorkPosition.Within(Units[0].Key, 0) : WorkPosition.Done;

    private static WorkUnit[] Ordered(IEnumerable<WorkUnit> units)
    {
        var all = units.OrderBy(u => u.Ordinal).ToArray();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < all.Length; i++)
        {
            if (!keys.Add(all[i].Key))
            {
                throw new ArgumentException($"Two work units share the key '{all[i].Key}'.", nameof(units));
            }

            if (i > 0 && all[i].Ordinal == all[i - 1].Ordinal)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Two work units share the ordinal {all[i].Ordinal}."), nameof(units));
            }
        }

        return all;
    }

    private static string Fingerprint(IEnumerable<WorkUnit> units)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var unit in units)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{unit.Key}\n{unit.Cost.Bytes}\n{unit.Cost.Rows}\n{unit.Cost.Tokens}\n")));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
