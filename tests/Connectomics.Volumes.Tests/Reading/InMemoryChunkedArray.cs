using System.Collections.Concurrent;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Tests.Reading;

/// <summary>
/// A chunked array over a known dense array, for the reading engine's tests: chunks are cut from the dense data (edge
/// chunks padded with junk past the array's edge, as a format may leave them), chunks can be made missing, corrupt or
/// failing (seeded), reads can be held at a gate, and every read is counted.
/// </summary>
internal sealed class InMemoryChunkedArray : IChunkedArray
{
    private const byte JunkPastEdge = 0xA5;

    private readonly byte[] _data;
    private readonly ConcurrentDictionary<string, byte[]> _chunks = new();
    private readonly int _seed;
    private int _inFlight;
    private int _maxInFlight;
    private int _injectedFailures;
    private int _reads;

    public InMemoryChunkedArray(long[] shape, int[] chunkShape, VoxelType type, byte[] data, byte[]? fillValue = null, double failureRate = 0, int seed = 1)
    {
        var elementSize = type.ByteSize();
        if (data.LongLength != shape.Aggregate(1L, (p, e) => p * e) * elementSize)
        {
            throw new ArgumentException("The data does not match the shape.", nameof(data));
        }

        _data = data;
        Info = new ChunkedArrayInfo
        {
            Format = VolumeFormat.ZarrV2,
            Location = "memory://test/array",
            Shape = shape,
            ChunkShape = chunkShape,
            DataType = type,
            FillValue = fillValue ?? new byte[elementSize],
            CodecSummary = "none",
        };
        FailureRate = failureRate;
        _seed = seed;
    }

    public ChunkedArrayInfo Info { get; }

    /// <summary>Gets or sets the chunks reported as not stored (by key).</summary>
    public HashSet<string> Missing { get; } = [];

    /// <summary>Gets the chunks whose reads throw <see cref="VolumeDataException"/> (by key).</summary>
    public HashSet<string> Corrupt { get; } = [];

    /// <summary>Gets the chunks whose reads throw <see cref="InvalidDataException"/> as a codec would (by key).</summary>
    public HashSet<string> Undecodable { get; } = [];

    /// <summary>Gets the chunks that decode to one byte too few (by key).</summary>
    public HashSet<string> Truncated { get; } = [];

    /// <summary>Gets or sets an exception every read throws (before anything else), or null.</summary>
    public Func<Exception>? AlwaysFail { get; set; }

    /// <summary>Gets or sets a gate every read waits for, or null.</summary>
    public Task? Gate { get; set; }

    public double FailureRate { get; }

    /// <summary>Gets the number of reads of each chunk, failed ones included (by key).</summary>
    public ConcurrentDictionary<string, int> ReadsByKey { get; } = new();

    /// <summary>Gets the number of stored chunks decoded (successful reads returning data).</summary>
    public int Decodes => _decodes;

    public int Reads => Volatile.Read(ref _reads);

    public int InjectedFailures => Volatile.Read(ref _injectedFailures);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private int _decodes;

    public string ChunkKey(ReadOnlySpan<long> chunkIndex) => "c/" + string.Join('/', chunkIndex.ToArray());

    public async ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default)
    {
        var index = chunkIndex.ToArray();
        var key = ChunkKey(index);
        var grid = Info.ChunkGridShape;
        for (var axis = 0; axis < index.Length; axis++)
        {
            if (index[axis] < 0 || index[axis] >= grid[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(chunkIndex), key, "Outside the chunk grid.");
            }
        }

        Interlocked.Increment(ref _reads);
        var attempt = ReadsByKey.AddOrUpdate(key, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        try
        {
            await Task.Yield();
            if (Gate is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (AlwaysFail is { } fail)
            {
                throw fail();
            }

            if (FailureRate > 0)
            {
                // Which reads fail depends on the seed, the chunk and how often it was read, not on the order in
                // which concurrent reads arrive, so a run is reproducible.
                var draw = new Random(StableHash($"{_seed}/{key}/{attempt}")).NextDouble();
                if (draw < FailureRate)
                {
                    Interlocked.Increment(ref _injectedFailures);
                    throw new IOException($"Injected transient failure reading {key}.");
                }
            }

            if (Corrupt.Contains(key))
            {
                throw new VolumeDataException(Info.Location, key, "injected: the chunk fails to decompress.");
            }

            if (Undecodable.Contains(key))
            {
                throw new InvalidDataException("injected: the LZ4 block ends early.");
            }

            if (Missing.Contains(key))
            {
                return null;
            }

            var chunk = (byte[])_chunks.GetOrAdd(key, _ => Cut(index)).Clone();
            Interlocked.Increment(ref _decodes);
            return Truncated.Contains(key) ? chunk[..^1] : chunk;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Makes every chunk whose elements inside the array all equal the fill value missing.</summary>
    public void DropFillChunks()
    {
        foreach (var index in AllChunks())
        {
            var chunk = Cut(index);
            var elementSize = Info.DataType.ByteSize();
            var allFill = true;
            ForEachInside(index, (chunkOffset, _) =>
            {
                if (!chunk.AsSpan(chunkOffset, elementSize).SequenceEqual(Info.FillValue.Span))
                {
                    allFill = false;
                }
            });
            if (allFill)
            {
                Missing.Add(ChunkKey(index));
            }
        }
    }

    public IEnumerable<long[]> AllChunks()
    {
        var grid = Info.ChunkGridShape;
        var index = new long[grid.Count];
        var total = grid.Aggregate(1L, (p, e) => p * e);
        for (var n = 0L; n < total; n++)
        {
            var rest = n;
            for (var axis = grid.Count - 1; axis >= 0; axis--)
            {
                index[axis] = rest % grid[axis];
                rest /= grid[axis];
            }

            yield return (long[])index.Clone();
        }
    }

    private byte[] Cut(long[] index)
    {
        var elementSize = Info.DataType.ByteSize();
        var chunk = new byte[Info.ChunkByteCount];
        chunk.AsSpan().Fill(JunkPastEdge);
        ForEachInside(index, (chunkOffset, arrayOffset) => _data.AsSpan((int)arrayOffset, elementSize).CopyTo(chunk.AsSpan(chunkOffset)));
        return chunk;
    }

    /// <summary>Visits every element of a chunk that lies inside the array: (byte offset in the chunk, byte offset in the data).</summary>
    private void ForEachInside(long[] index, Action<int, long> visit)
    {
        var rank = Info.Rank;
        var elementSize = Info.DataType.ByteSize();
        var local = new long[rank];
        var chunkElements = Info.ChunkShape.Aggregate(1L, (p, e) => p * e);
        for (var n = 0L; n < chunkElements; n++)
        {
            var rest = n;
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                local[axis] = rest % Info.ChunkShape[axis];
                rest /= Info.ChunkShape[axis];
            }

            var arrayOffset = 0L;
            var inside = true;
            for (var axis = 0; axis < rank; axis++)
            {
                var global = (index[axis] * Info.ChunkShape[axis]) + local[axis];
                if (global >= Info.Shape[axis])
                {
                    inside = false;
                    break;
                }

                arrayOffset = (arrayOffset * Info.Shape[axis]) + global;
            }

            if (inside)
            {
                visit((int)(n * elementSize), arrayOffset * elementSize);
            }
        }
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = (hash * 31) + c;
        }

        return hash;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
