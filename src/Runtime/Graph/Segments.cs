namespace HwFlow.Runtime.Graph;

/// <summary>
/// Segments: a dense or bin-dot whose input holds P times its weights' rows applies the same
/// weights to each of the P consecutive segments (the receptive fields a window lays out), and
/// a chunk-sum or chunk-factor with a "segment" attribute restarts its chunks at every segment.
/// A row of P segments is the same memory as P rows of one, so the ops run on that view.
/// </summary>
public static class Segments
{
    /// <summary>The value seen as <paramref name="segments"/> times as many rows (no copy).</summary>
    public static GraphValue Split(GraphValue value, int segments)
    {
        if (segments == 1) return value;
        if (value.Length % segments != 0) throw new InvalidOperationException($"{value.Length} values are not {segments} equal segments");
        int rows = value.Rows * segments, length = value.Length / segments;
        return value switch
        {
            IntValue ints => new IntValue(rows, length, ints.Data, ints.Scale),
            BitsValue bits => new BitsValue(rows, length, bits.Data, bits.Encoding),
            RealValue real => new RealValue(rows, length, real.Data),
            _ => throw new InvalidOperationException($"segments of {value.GetType().Name}"),
        };
    }

    /// <summary>The inverse of <see cref="Split"/>: <paramref name="segments"/> consecutive rows become one.</summary>
    public static GraphValue Join(GraphValue value, int segments) => segments == 1 ? value : value switch
    {
        IntValue ints => new IntValue(ints.Rows / segments, ints.Length * segments, ints.Data, ints.Scale),
        BitsValue bits => new BitsValue(bits.Rows / segments, bits.Length * segments, bits.Data, bits.Encoding),
        RealValue real => new RealValue(real.Rows / segments, real.Length * segments, real.Data),
        _ => throw new InvalidOperationException($"segments of {value.GetType().Name}"),
    };

    /// <summary>How many segments the node's first operand holds: its length over the weights' rows, or over the "segment" attribute.</summary>
    public static int Count(Node node, int inputLength)
    {
        int segment = node.Find("weights") is IntTensorAttr weights ? weights.Shape[0] : node.Find("segment") is IntAttr s ? (int)s.Value : inputLength;
        if (segment < 1 || inputLength % segment != 0)
            throw new InvalidOperationException($"%{node.Name} ({node.Op}): its input of {inputLength} values is not whole segments of {segment}");
        return inputLength / segment;
    }

    /// <summary>The length of one segment of the node's first operand.</summary>
    public static int Length(Node node, int inputLength) => inputLength / Count(node, inputLength);
}
