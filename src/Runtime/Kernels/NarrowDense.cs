using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// dense (acc_j = bias_j + sum_i x_i w_ij) with 32-bit lanes, for layers where
/// max|x| * sum_i |w_ij| + |bias_j| &lt; 2^31 holds for every output, x's bound taken from its
/// proven range: then no partial sum can overflow and the result equals the golden kernel's 64-bit one.
/// When x is proven to be bytes (0..255), VPDPBUSD (AVX-VNNI) multiplies unsigned by signed bytes
/// and adds 32 pairs per instruction: the weights are split into 7-bit planes,
/// w = sum_p plane_p 128^p (lower planes 0..127, the top one signed), one byte dot per plane.
/// </summary>
internal sealed class NarrowDense
{
    private readonly Dictionary<string, (int[] WeightsByOutput, int[] Bias)> _prepared = [];
    private readonly Dictionary<string, (sbyte[][] Planes, int PaddedInputs)> _bytes = [];

    private readonly ValueArrays _arrays;

    public NarrowDense(Graph.Graph graph, ValueArrays arrays)
    {
        _arrays = arrays;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.Dense))
        {
            if (!Fits(node, graph.Operand(node))) continue;
            var weights = node.IntTensor("weights");
            int inputs = weights.Shape[0], outputs = weights.Shape[1];
            var byOutput = RowMajor.Transpose<int>(Array.ConvertAll(weights.Data, w => (int)w), inputs, outputs);
            _prepared[node.Name] = (byOutput, Enumerable.Range(0, outputs).Select(j => (int)node.IntElement("bias", j)).ToArray());
            var operand = graph.Operand(node);
            // Each plane's byte dot stays below 255 * inputs * 128 < 2^31 for inputs up to 65,000.
            if (AvxVnni.IsSupported && operand.Type.Min >= 0 && operand.Type.Max <= byte.MaxValue && inputs <= 65_000)
            {
                int planeCount = 1;
                while (byOutput.Any(w => (w >> (7 * (planeCount - 1))) is < sbyte.MinValue or > sbyte.MaxValue)) planeCount++;
                int padded = (inputs + 31) / 32 * 32;
                var planes = new sbyte[planeCount][];
                for (int p = 0; p < planeCount; p++)
                {
                    planes[p] = new sbyte[padded * outputs];
                    for (int j = 0; j < outputs; j++)
                    {
                        for (int i = 0; i < inputs; i++)
                        {
                            int w = byOutput[(j * inputs) + i] >> (7 * p);
                            planes[p][(j * padded) + i] = (sbyte)(p == planeCount - 1 ? w : w & 127);
                        }
                    }
                }
                _bytes[node.Name] = (planes, padded);
            }
        }
    }

    public static bool Fits(Node node, Node operand)
    {
        if (operand.Type.Kind != ValueKind.Int) return false;
        var weights = node.IntTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        double largestInput = Math.Max(Math.Abs((double)operand.Type.Min), Math.Abs((double)operand.Type.Max));
        for (int j = 0; j < outputs; j++)
        {
            double bound = Math.Abs((double)node.IntElement("bias", j));
            for (int i = 0; i < inputs; i++) bound += largestInput * Math.Abs((double)weights.Data[(i * outputs) + j]);
            if (bound >= int.MaxValue) return false;
        }
        return true;
    }

    public bool Runs(Node node) => node.Op == Ops.Dense && _prepared.ContainsKey(node.Name);

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (node.Op != Ops.Dense || !_prepared.TryGetValue(node.Name, out var prepared)) return null;
        var x = (IntValue)operands[0];
        int inputs = x.Length, outputs = prepared.Bias.Length;
        var result = _arrays.Rent<long>(x.Rows * outputs);
        if (_bytes.TryGetValue(node.Name, out var bytes))
        {
            Parallel.For(0, x.Rows, () => new byte[bytes.PaddedInputs], (r, _, row) =>
            {
                var source = x.Row(r);
                for (int i = 0; i < inputs; i++) row[i] = (byte)source[i];
                for (int j = 0; j < outputs; j++)
                {
                    long acc = prepared.Bias[j];
                    for (int p = 0; p < bytes.Planes.Length; p++)
                        acc += (long)ByteDot(row, bytes.Planes[p].AsSpan(j * bytes.PaddedInputs, bytes.PaddedInputs)) << (7 * p);
                    result[(r * outputs) + j] = acc;
                }
                return row;
            }, _ => { });
            return new IntValue(x.Rows, outputs, result, node.Type.Scale);
        }
        Parallel.For(0, x.Rows, () => new int[inputs], (r, _, row) =>
        {
            var source = x.Row(r);
            for (int i = 0; i < inputs; i++) row[i] = (int)source[i];
            for (int j = 0; j < outputs; j++)
                result[(r * outputs) + j] = prepared.Bias[j] + Dot(row, prepared.WeightsByOutput.AsSpan(j * inputs, inputs));
            return row;
        }, _ => { });
        return new IntValue(x.Rows, outputs, result, node.Type.Scale);
    }

    /// <summary>Unsigned bytes times signed bytes, both padded with zeros to a multiple of 32.</summary>
    private static int ByteDot(ReadOnlySpan<byte> a, ReadOnlySpan<sbyte> b)
    {
        var sum = Vector256<int>.Zero;
        for (int i = 0; i < a.Length; i += Vector256<byte>.Count)
            sum = AvxVnni.MultiplyWideningAndAdd(sum, Vector256.Create(a[i..]), Vector256.Create(b[i..]));
        return Vector256.Sum(sum);
    }

    private static int Dot(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var sum = Vector256<int>.Zero;
        int i = 0;
        for (; i + Vector256<int>.Count <= a.Length; i += Vector256<int>.Count)
            sum += Vector256.Create(a[i..]) * Vector256.Create(b[i..]);
        int total = Vector256.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
