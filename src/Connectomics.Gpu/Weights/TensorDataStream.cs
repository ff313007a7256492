using System.Globalization;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// A write-only stream handed to a tensor's data callback: it forwards to the file and refuses to write more than
/// the tensor's declared byte length, so a wrong callback cannot corrupt the neighbouring tensors.
/// </summary>
internal sealed class TensorDataStream : Stream
{
    private readonly Stream _inner;
    private readonly long _expected;
    private readonly string _name;
    private long _written;

    internal TensorDataStream(Stream inner, long expected, string name)
    {
        _inner = inner;
        _expected = expected;
        _name = name;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _expected;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > _expected - _written)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The data callback of tensor '{_name}' wrote more than the {_expected} bytes its dtype and shape declare."));
        }

        _inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        ReadOnlySpan<byte> one = [value];
        Write(one);
    }

    internal void EnsureComplete()
    {
        if (_written != _expected)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The data callback of tensor '{_name}' wrote {_written} bytes, but its dtype and shape declare {_expected}."));
        }
    }
}
