using Connectomics.Chunks;

namespace Connectomics.Abstractions.Tests.Chunks;

public sealed class WorkPlanContiguousTests
{
    // Weights (rows) by ordinal: 5, 9, 2, 7, 3, 9 (total 35).
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
    public void Each_unit_goes_to_the_shard_whose_share_of_the_weight_holds_its_middle()
    {
        // Middles 2.5, 9.5, 15, 19.5, 24.5, 30.5 of 35. Three shards: floor(3 · middle / 35) = 0, 0, 1, 1, 2, 2.
        var three = Enumerable.Range(0, 3).Select(i => WorkPlan.CreateContiguous(Units.Reverse(), new ShardAssignment(i, 3))).ToList();
        Assert.Equal(["a.parquet#0", "a.parquet#1"], three[0].Units.Select(u => u.Key));
        Assert.Equal(["b.parquet#0", "c.fasta"], three[1].Units.Select(u => u.Key));
        Assert.Equal(["d.fasta", "e.fasta"], three[2].Units.Select(u => u.Key));
        Assert.Equal([14L, 9, 12], three.Select(p => p.Weight));

        // Two shards: floor(2 · middle / 35) = 0, 0, 0, 1, 1, 1.
        var two = Enumerable.Range(0, 2).Select(i => WorkPlan.CreateContiguous(Units, new ShardAssignment(i, 2))).ToList();
        Assert.Equal([16L, 19], two.Select(p => p.Weight));
        Assert.Equal(["c.fasta", "d.fasta", "e.fasta"], two[1].Units.Select(u => u.Key));
        Assert.Equal(WorkPosition.Within("c.fasta", 0), two[1].Start);
        Assert.Equal(WorkPosition.Done, two[1].After(Units[5]));
    }

    [Fact]
    public void The_input_fingerprint_is_the_one_of_the_other_split()
    {
        var contiguous = Enumerable.Range(0, 4).Select(i => WorkPlan.CreateContiguous(Units, new ShardAssignment(i, 4)).InputFingerprint).Distinct().ToList();

        Assert.Equal([WorkPlan.Create(Units, new ShardAssignment(1, 4)).InputFingerprint], contiguous);
        Assert.Equal(Units, WorkPlan.CreateContiguous(Units, new ShardAssignment(3, 4)).AllUnits);
    }

    [Fact]
    public void No_shard_is_empty_while_there_are_units_enough()
    {
        // Middles 50, 100.5, 101.5 of 102 would give shard 0 nothing (owners 1, 2, 2); the boundaries move to 1 and 2.
        Assert.Equal((0, 1), WorkPlan.ContiguousRange([100, 1, 1], new ShardAssignment(0, 3)));
        Assert.Equal((1, 2), WorkPlan.ContiguousRange([100, 1, 1], new ShardAssignment(1, 3)));
        Assert.Equal((2, 3), WorkPlan.ContiguousRange([100, 1, 1], new ShardAssignment(2, 3)));

        // Weights of 0 or less count as 1: four equal items.
        Assert.Equal((2, 4), WorkPlan.ContiguousRange([0, -5, 1, 1], new ShardAssignment(1, 2)));

        // Fewer units than shards: one each to the first shards, none to the rest.
        var plans = Enumerable.Range(0, 4).Select(i => WorkPlan.CreateContiguous(Units[..2], new ShardAssignment(i, 4))).ToList();
        Assert.Equal([1, 1, 0, 0], plans.Select(p => p.Units.Count));
        Assert.Equal(WorkPosition.Done, plans[3].Start);
    }

    [Fact]
    public void Every_split_covers_every_unit_once_in_order_and_every_shard_computes_the_same_one()
    {
        var random = new Random(11);
        var weights = Enumerable.Range(0, 200).Select(_ => (long)random.Next(1, 1000)).ToArray();
        var total = weights.Sum();
        for (var shards = 1; shards <= 40; shards += 3)
        {
            var next = 0;
            for (var i = 0; i < shards; i++)
            {
                var (start, stop) = WorkPlan.ContiguousRange(weights, new ShardAssignment(i, shards));
                Assert.Equal(next, start);
                Assert.True(stop > start, $"shard {i}/{shards} is empty");
                var weight = weights[start..stop].Sum();
                Assert.True(Math.Abs(weight - ((double)total / shards)) <= 1000, $"shard {i}/{shards} carries {weight} of {total}");
                next = stop;
            }

            Assert.Equal(weights.Length, next);
        }
    }

    [Fact]
    public void Repeated_keys_or_ordinals_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WorkPlan.CreateContiguous([Units[0], new WorkUnit("a.parquet#0", 9, new WorkUnitCost(1))], ShardAssignment.Single));
        Assert.Throws<ArgumentException>(() => WorkPlan.CreateContiguous([Units[0], new WorkUnit("z", 0, new WorkUnitCost(1))], ShardAssignment.Single));
    }
}
