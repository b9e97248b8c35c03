using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// The data-movement ops on any value kind. window: every output position's receptive field
/// (position-major, (ky, kx, c) inside), padding the value 0: real 0, integer 0, the 0 bit of
/// 0/1 bits; +-1 bits cannot hold 0, so a window of them that reaches padding gives integers
/// -1, 0, +1 (a window that never does stays bits). max-pool: per channel the
/// largest value of the window's positions inside the input (bits: their OR, 1 being the larger
/// value in both encodings).
/// </summary>
internal static class MovementOps
{
    /// <summary>The gather map of the node's window (per output position and element, the input index or -1).</summary>
    public static int[] Prepare(Node node) => WindowAttrs.Geometry(node).SourceMap();

    public static GraphValue Evaluate(Node node, GraphValue operand, int[] map) => node.Op switch
    {
        Ops.Window => Window(operand, map),
        Ops.MaxPool => MaxPool(operand, WindowAttrs.Geometry(node), map),
        _ => throw new InvalidOperationException($"unknown movement op '{node.Op}'"),
    };

    private static GraphValue Window(GraphValue operand, int[] map)
    {
        switch (operand)
        {
            case RealValue real:
                return new RealValue(real.Rows, map.Length, Gather(real.Data, real.Rows, real.Length, map, 0.0));
            case IntValue ints:
                return new IntValue(ints.Rows, map.Length, Gather(ints.Data, ints.Rows, ints.Length, map, 0L), ints.Scale);
            case BitsValue bits when bits.Encoding == BitEncoding.PlusMinus && map.Contains(-1):
                var signed = Array.ConvertAll(bits.Data, b => b == 0 ? -1L : 1L);
                return new IntValue(bits.Rows, map.Length, Gather(signed, bits.Rows, bits.Length, map, 0L), 1.0);
            case BitsValue bits:
                return new BitsValue(bits.Rows, map.Length, Gather(bits.Data, bits.Rows, bits.Length, map, (byte)0), bits.Encoding);
            default:
                throw new InvalidOperationException($"window on {operand.GetType().Name}");
        }
    }

    private static T[] Gather<T>(T[] source, int rows, int length, int[] map, T pad)
    {
        var result = new T[rows * map.Length];
        for (int r = 0; r < rows; r++)
        {
            var from = source.AsSpan(r * length, length);
            var to = result.AsSpan(r * map.Length, map.Length);
            for (int i = 0; i < map.Length; i++) to[i] = map[i] < 0 ? pad : from[map[i]];
        }
        return result;
    }

    private static GraphValue MaxPool(GraphValue operand, WindowGeometry g, int[] map) => operand switch
    {
        RealValue real => new RealValue(real.Rows, g.Positions * g.Channels, Max(real.Data, real.Rows, real.Length, g, map)),
        IntValue ints => new IntValue(ints.Rows, g.Positions * g.Channels, Max(ints.Data, ints.Rows, ints.Length, g, map), ints.Scale),
        BitsValue bits => new BitsValue(bits.Rows, g.Positions * g.Channels, Max(bits.Data, bits.Rows, bits.Length, g, map), bits.Encoding),
        _ => throw new InvalidOperationException($"max-pool on {operand.GetType().Name}"),
    };

    private static T[] Max<T>(T[] source, int rows, int length, WindowGeometry g, int[] map)
        where T : System.Numerics.INumber<T>
    {
        int outputs = g.Positions * g.Channels;
        var result = new T[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            var from = source.AsSpan(r * length, length);
            for (int p = 0; p < g.Positions; p++)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    bool any = false;
                    T best = T.Zero;
                    for (int e = c; e < g.Patch; e += g.Channels)
                    {
                        int at = map[(p * g.Patch) + e];
                        if (at < 0) continue;
                        if (!any || from[at] > best) best = from[at];
                        any = true;
                    }
                    result[(r * outputs) + (p * g.Channels) + c] = best;
                }
            }
        }
        return result;
    }
}
