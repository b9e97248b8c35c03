using System.Globalization;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Graph;

public enum ValueKind
{
    /// <summary>Real numbers (the layer-level graph, before integer lowering).</summary>
    Real,

    /// <summary>Integers with a proven range; the real value is the integer times <see cref="GraphType.Scale"/>.</summary>
    Int,

    /// <summary>One bit per element, read as 0/1 or as -1/+1 (see <see cref="BitEncoding"/>).</summary>
    Bits,
}

public enum BitEncoding
{
    /// <summary>Bit b means the value b (unipolar).</summary>
    ZeroOne,

    /// <summary>Bit 1 means +1, bit 0 means -1 (bipolar).</summary>
    PlusMinus,
}

/// <summary>
/// The type of a graph value: a vector of <see cref="Length"/> elements. Integer vectors carry
/// the interval [Min, Max] that every element provably stays in, from which the bit width
/// follows, and the real scale they stand for.
/// </summary>
public sealed record GraphType(ValueKind Kind, int Length, long Min = 0, long Max = 0, double Scale = 1, BitEncoding Encoding = BitEncoding.ZeroOne)
{
    public static GraphType Real(int length) => new(ValueKind.Real, length);

    public static GraphType Int(int length, long min, long max, double scale = 1) => new(ValueKind.Int, length, min, max, scale);

    public static GraphType Bits(int length, BitEncoding encoding) => new(ValueKind.Bits, length, 0, 1, 1, encoding);

    public bool Signed => Kind == ValueKind.Int && Min < 0;

    /// <summary>The smallest two's complement (signed) or plain binary (unsigned) width holding [Min, Max].</summary>
    public int Width => Kind switch
    {
        ValueKind.Bits => 1,
        ValueKind.Int => BitWidth.ToHold(Min, Max),
        _ => 0,
    };

    public bool Contains(long value) => value >= Min && value <= Max;

    /// <summary>The canonical text: real[256], u8[784], s26[256] in [-5, 7] scale 0.5, bits.01[16].</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Real => $"real[{Length}]",
        ValueKind.Bits => $"bits.{(Encoding == BitEncoding.ZeroOne ? "01" : "pm")}[{Length}]",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(Signed ? 's' : 'u')}{Width}[{Length}] in [{Min}, {Max}] scale {AttrText.Real(Scale)}"),
    };
}
