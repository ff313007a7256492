using TorchSharp;

namespace Connectomics.TorchScalars;

/// <summary>
/// TorchSharp <see cref="Scalar"/> values that live for the whole process, for the constants tensor operations take.
/// </summary>
/// <remarks>
/// TorchSharp turns a .NET number given where a <see cref="Scalar"/> is expected into a new native scalar, and its own
/// operators do the same inside (<c>a + b</c> is <c>a.add(b, 1)</c>, <c>x * 0.5</c> is <c>x.mul(0.5)</c>). Nothing
/// keeps such a temporary alive while libtorch reads it: once TorchSharp has passed its handle to the native call,
/// the garbage collector may finalize it, and its finalizer frees the native scalar while libtorch is still reading
/// it (a libtorch error from <c>Scalar::toFloat</c>, a crash, or a wrong number). A scalar held by a static field is
/// never collected, so these are safe to pass from any thread; a value known only at run time goes into a
/// <c>using var s = value.ToScalar();</c> local instead, disposed after the call. Each field keeps the .NET type of
/// the literal it replaces (an <see cref="int"/> 1, a <see cref="double"/> 1.0, a <see cref="float"/> 1.0f), so
/// that libtorch promotes types exactly as before.
/// </remarks>
internal static class ScalarConstants
{
    /// <summary>Gets the integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Gets the integer 1: the <c>alpha</c> of a plain tensor sum (<c>a.add(b, One)</c> is <c>a + b</c>).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Gets the integer 2.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>Gets the single-precision 1.0f.</summary>
    public static readonly Scalar OneSingle = 1.0f.ToScalar();

    /// <summary>Gets the double-precision 0.0.</summary>
    public static readonly Scalar ZeroDouble = 0.0.ToScalar();

    /// <summary>Gets the double-precision 1.0.</summary>
    public static readonly Scalar OneDouble = 1.0.ToScalar();
}
