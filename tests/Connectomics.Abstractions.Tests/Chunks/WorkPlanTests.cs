using Connectomics.Chunks;

namespace Connectomics.Abstractions.Tests.Chunks;

public sealed class WorkPlanTests
{
    // Weights (rows) by ordinal: 5, 9, 2, 7, 3, 9.
    private static readonly WorkUnit[] Units =
    [
        new("a.parquet#0", 0, new WorkUnitCost(500, 5)),
        new("a.parquet#1", 1, new WorkUnitCost(900, 9)),
        new("b.parquet#0", 2, new WorkUnitCost(200, 2)),
        new("c.fasta", 3, new WorkUnitCost(700, 7)),
        new("d.fasta", 4, new WorkUnitCost(300, 3)),
        new("e.fasta", 5, new WorkUnitCost(900, 9)),
    ];

    [Fact]
    public void Units_go_largest_first_to_the_lightest_shard()
    {
        // 9 (#1) → 0, 9 (#5, tie broken by ordinal) → 1, 7 (#3) → 2, 5 (#0) → 2 (loads 9, 9, 7),
        // 3 (#4) → 0 (9, 9, 12: tie to the lowest index), 2 (#2) → 1 (12, 9, 12).
        var plans = Enumerable.Range(0, 3).Select(i => WorkPlan.Create(Units, new ShardAssignment(i, 3))).ToList();

        Assert.Equal(["a.parquet#1", "d.fasta"], plans[0].Units.Select(u => u.Key));
        Assert.Equal(["b.parquet#0", "e.fasta"], plans[1].Units.Select(u => u.Key));
        Assert.Equal(["a.parquet#0", "c.fasta"], plans[2].Units.Select(u => u.Key));
        Assert.Equal([12L, 11, 12], plans.Select(p => p.Weight));
    }

    [Fact]
    public void Every_unit_is_in_exactly_one_shard_in_ordinal_order_whatever_the_input_order()
    {
        for (var count = 1; count <= 7; count++)
        {
            var shuffled = Units.Reverse().ToArray();
            var plans = Enumerable.Range(0, count).Select(i => WorkPlan.Create(shuffled, new ShardAssignment(i, count))).ToList();

            Assert.Equal(Units.Select(u => u.Key).Order(StringComparer.Ordinal), plans.SelectMany(p => p.Units).Select(u => u.Key).Order(StringComparer.Ordinal));
            Assert.All(plans, p => Assert.Equal(p.Units.OrderBy(u => u.Ordinal), p.Units));
            Assert.All(plans, p => Assert.Equal(Units, p.AllUnits));

            // The same split every time, from any order of the input.
            var again = Enumerable.Range(0, count).Select(i => WorkPlan.Create(Units, new ShardAssignment(i, count))).ToList();
            Assert.Equal(plans.Select(p => p.Units.Select(u => u.Key).ToArray()), again.Select(p => p.Units.Select(u => u.Key).ToArray()));
        }
    }

    [Fact]
    public void The_input_fingerprint_is_the_same_for_every_shard_and_changes_with_the_input()
    {
        var fingerprints = Enumerable.Range(0, 3).Select(i => WorkPlan.Create(Units, new ShardAssignment(i, 3)).InputFingerprint).Distinct().ToList();
        var grown = WorkPlan.Create([.. Units[..5], new WorkUnit("e.fasta", 5, new WorkUnitCost(901, 9))], ShardAssignment.Single);

        Assert.Single(fingerprints);
        Assert.Matches("^[0-9a-f]{64}$", fingerprints[0]);
        Assert.NotEqual(fingerprints[0], grown.InputFingerprint);
    }

    [Fact]
    public void Remaining_and_After_walk_the_shards_units()
    {
        var plan = WorkPlan.Create(Units, new ShardAssignment(2, 3));

        Assert.Equal(WorkPosition.Within("a.parquet#0", 0), plan.Start);
        Assert.Equal([("a.parquet#0", 0L), ("c.fasta", 0L)], plan.Remaining(plan.Start).Select(r => (r.Unit.Key, r.Offset)));
        Assert.Equal([("a.parquet#0", 3L), ("c.fasta", 0L)], plan.Remaining(WorkPosition.Within("a.parquet#0", 3)).Select(r => (r.Unit.Key, r.Offset)));
        Assert.Equal([("c.fasta", 4L)], plan.Remaining(WorkPosition.Within("c.fasta", 4)).Select(r => (r.Unit.Key, r.Offset)));
        Assert.Empty(plan.Remaining(WorkPosition.Done));
        Assert.Equal(WorkPosition.Within("c.fasta", 0), plan.After(Units[0]));
        Assert.Equal(WorkPosition.Done, plan.After(Units[3]));
        Assert.Throws<ArgumentException>(() => plan.Remaining(WorkPosition.Within("d.fasta", 0)));
        Assert.Throws<ArgumentException>(() => plan.After(Units[4]));
    }

    [Fact]
    public void A_shard_without_units_starts_done()
    {
        var plan = WorkPlan.Create(Units[..1], new ShardAssignment(1, 2));

        Assert.Empty(plan.Units);
        Assert.Equal(WorkPosition.Done, plan.Start);
    }

    [Fact]
    public void Repeated_keys_or_ordinals_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WorkPlan.Create([Units[0], new WorkUnit("a.parquet#0", 9, new WorkUnitCost(1))], ShardAssignment.Single));
        Assert.Throws<ArgumentException>(() => WorkPlan.Create([Units[0], new WorkUnit("z", 0, new WorkUnitCost(1))], ShardAssignment.Single));
    }
}
