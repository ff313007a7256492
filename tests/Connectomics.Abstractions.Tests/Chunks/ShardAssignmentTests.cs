using System.Collections;
using Connectomics.Chunks;

namespace Connectomics.Abstractions.Tests.Chunks;

public sealed class ShardAssignmentTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData("12/100", 12, 100)]
    public void Parse_reads_index_over_count(string text, int index, int count)
    {
        var shard = ShardAssignment.Parse(text);

        Assert.Equal((index, count), (shard.Index, shard.Count));
        Assert.Equal(text, shard.ToString());
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("0/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("/4")]
    [InlineData("a/b")]
    [InlineData("1/ 4")]
    public void Parse_refuses_what_is_not_a_shard(string text)
    {
        var error = Assert.Throws<FormatException>(() => ShardAssignment.Parse(text));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.False(ShardAssignment.TryParse(text, out _));
    }

    [Fact]
    public void Slurm_task_ids_are_made_zero_based_by_TASK_MIN()
    {
        var environment = new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "7", ["SLURM_ARRAY_TASK_MIN"] = "5", ["SLURM_ARRAY_TASK_COUNT"] = "4" };

        Assert.Equal(new ShardAssignment(2, 4), ShardAssignment.FromEnvironment(environment));
        Assert.Equal(new ShardAssignment(2, 4), ShardAssignment.FromEnvironment(environment, count: 4));
    }

    [Fact]
    public void Slurm_without_TASK_MIN_starts_at_zero()
    {
        var environment = new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "3", ["SLURM_ARRAY_TASK_COUNT"] = "4" };

        Assert.Equal(new ShardAssignment(3, 4), ShardAssignment.FromEnvironment(environment));
    }

    [Fact]
    public void Slurm_errors_name_the_variables()
    {
        Assert.Contains("SLURM_ARRAY_TASK_COUNT", Assert.Throws<FormatException>(
            () => ShardAssignment.FromEnvironment(new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "1" })).Message, StringComparison.Ordinal);
        Assert.Contains("differs", Assert.Throws<FormatException>(
            () => ShardAssignment.FromEnvironment(new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, count: 8)).Message, StringComparison.Ordinal);
        Assert.Contains("SLURM_ARRAY_TASK_ID=9", Assert.Throws<FormatException>(
            () => ShardAssignment.FromEnvironment(new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "9", ["SLURM_ARRAY_TASK_COUNT"] = "4" })).Message, StringComparison.Ordinal);
        Assert.Contains("'x'", Assert.Throws<FormatException>(
            () => ShardAssignment.FromEnvironment(new Hashtable { ["SLURM_ARRAY_TASK_ID"] = "x", ["SLURM_ARRAY_TASK_COUNT"] = "4" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_takes_the_completion_index_with_a_given_count()
    {
        var environment = new Hashtable { ["JOB_COMPLETION_INDEX"] = "5" };

        Assert.Equal(new ShardAssignment(5, 6), ShardAssignment.FromEnvironment(environment, count: 6));
        Assert.Contains("shard count is not given", Assert.Throws<FormatException>(() => ShardAssignment.FromEnvironment(environment)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ShardAssignment.FromEnvironment(environment, count: 5));
    }

    [Fact]
    public void Without_either_engines_variables_there_is_no_assignment()
    {
        Assert.Null(ShardAssignment.FromEnvironment(new Hashtable { ["HOME"] = "/root", ["SLURM_ARRAY_TASK_ID"] = string.Empty }));
    }

    [Fact]
    public void The_constructor_refuses_out_of_range_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAssignment(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAssignment(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAssignment(-1, 2));
    }
}
