namespace HwFlow.Runtime.Graph;

/// <summary>An attribute value of a graph node.</summary>
public abstract record Attr;

public sealed record IntAttr(long Value) : Attr;

public sealed record RealAttr(double Value) : Attr;

public sealed record BoolAttr(bool Value) : Attr;

/// <summary>A bare identifier such as and / xnor / class.</summary>
public sealed record SymbolAttr(string Value) : Attr;

/// <summary>An integer tensor (weights, biases, thresholds, coefficients), C order.</summary>
public sealed record IntTensorAttr(int[] Shape, long[] Data) : Attr
{
    public long this[int i, int j] => Data[(i * Shape[1]) + j];

    public bool Equals(IntTensorAttr? other) =>
        other is not null && Shape.AsSpan().SequenceEqual(other.Shape) && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Shape.Length, Data.Length);
}

/// <summary>A real tensor (layer-level weights and BatchNorm parameters), C order.</summary>
public sealed record RealTensorAttr(int[] Shape, double[] Data) : Attr
{
    public double this[int i, int j] => Data[(i * Shape[1]) + j];

    public bool Equals(RealTensorAttr? other) =>
        other is not null && Shape.AsSpan().SequenceEqual(other.Shape) && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Shape.Length, Data.Length);
}
