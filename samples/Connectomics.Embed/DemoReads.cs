using Connectomics.Sequences;

namespace Connectomics.Embed;

/// <summary>A few reads embedded when no input is given: short, with N, soft-masked, and one of 1 kb.</summary>
internal static class DemoReads
{
    public static IReadOnlyList<SequenceRecord> Create()
    {
        var random = new Random(42);
        var kilobase = new string(Enumerable.Range(0, 1000).Select(_ => "ACGT"[random.Next(4)]).ToArray());
        return
        [
            new SequenceRecord("demo-card-example", "ATTCCGATTCCGATTCCG"),
            new SequenceRecord("demo-with-n", "ACGTGTACNTGCACGGANCGACTAGTCTGA"),
            new SequenceRecord("demo-odd-length", "ATTTCTCTCTCTCTCTGAGATCGATCGATCGAT"),
            new SequenceRecord("demo-1kb", kilobase),
        ];
    }
}
