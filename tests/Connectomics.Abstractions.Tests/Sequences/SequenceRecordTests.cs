using Connectomics.Embeddings;
using Connectomics.Sequences;

namespace Connectomics.Abstractions.Tests.Sequences;

public sealed class SequenceRecordTests
{
    [Fact]
    public void A_record_without_metadata_has_an_empty_read_only_map()
    {
        var record = new SequenceRecord("r1", "ACGT");

        Assert.Empty(record.Metadata);
        var map = Assert.IsAssignableFrom<IDictionary<string, object?>>(record.Metadata);
        Assert.True(map.IsReadOnly);
    }

    [Fact]
    public void An_embedding_is_named_after_its_record()
    {
        var record = new SequenceRecord("read/7", "ACGTAC") { Metadata = new Dictionary<string, object?> { ["depth"] = 12 } };
        var embedding = new SequenceEmbedding(record, new float[] { 0.5f, -1f }, TokenCount: 2);

        Assert.Equal("read/7", embedding.Id);
        Assert.Equal(1, embedding.WindowCount);
        Assert.Equal(12, embedding.Record.Metadata["depth"]);
        Assert.Equal([0.5f, -1f], embedding.Vector.ToArray());
    }
}
