using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class StateDictMismatchExceptionTests
{
    [Fact]
    public void Long_lists_are_capped_in_the_message_but_kept_whole_in_the_properties()
    {
        var unexpected = Enumerable.Range(0, 30).Select(i => $"extra.{i:D2}").ToArray();

        var ex = new StateDictMismatchException("/ckpt/model.safetensors", ["a"], unexpected, [], []);

        Assert.Equal(30, ex.UnexpectedKeys.Count);
        Assert.Contains("extra.24", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("extra.25", ex.Message, StringComparison.Ordinal);
        Assert.Contains("… and 5 more", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("The checkpoint '/ckpt/model.safetensors' does not match the module's state dict: 1 missing key, 30 unexpected keys.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["a"], ex.MissingKeys);
        Assert.Empty(ex.MismatchedShapes);
        Assert.Empty(ex.MismatchedDTypes);
    }

    [Fact]
    public void Entries_describe_both_sides()
    {
        var shape = new StateDictShapeMismatch("w", "esm.w", [2, 3], [3]);
        var dtype = new StateDictDTypeMismatch("n", "n", "Int64", SafetensorsDType.F32);

        Assert.Equal("w: module [2, 3], checkpoint [3] (checkpoint key 'esm.w')", shape.ToString());
        Assert.Equal("n: module Int64, checkpoint F32", dtype.ToString());
    }
}
