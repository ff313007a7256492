using System.Buffers;

namespace Connectomics.Storage.Lance.Files;

/// <summary>
/// Lends page buffers from a pool to <see cref="DataFileReader.ReadPageAsync"/> and takes them all back at once, for
/// a caller that reads a batch, uses it and drops it before reading the next (the decoded arrays point into the
/// buffers, so they must not be used after <see cref="ReturnAll"/>). Not thread-safe: one per worker.
/// </summary>
internal sealed class PageBufferRental(ArrayPool<byte> pool)
{
    private readonly List<byte[]> _rented = [];

    public byte[] Rent(int length)
    {
        var buffer = pool.Rent(length);
        _rented.Add(buffer);
        return buffer;
    }

    public void ReturnAll()
    {
        foreach (var buffer in _rented)
        {
            pool.Return(buffer);
        }

        _rented.Clear();
    }
}
