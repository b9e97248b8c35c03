using System.Numerics;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware;

/// <summary>
/// What a build's m_axis_tdata must carry per frame, from the integer golden kernel: the class
/// (output: class), or every score packed as <see cref="ScoresUnit"/> offers them (output: scores).
/// </summary>
public static class HardwareAnswer
{
    public static bool IsScores(Graph graph) => graph[graph.Output.Operands[0]].Op != Ops.ArgMax;

    /// <summary>The expected output transaction of each of the <paramref name="rows"/> frames in <paramref name="raw"/>.</summary>
    public static BigInteger[] Expected(GraphExecutor executor, ReadOnlySpan<byte> raw, int rows)
    {
        var graph = executor.Graph;
        if (!IsScores(graph)) return [.. executor.Classify(raw, rows).Select(c => new BigInteger(c))];
        var scores = (IntValue)executor.Run(raw, rows);
        int width = graph.Output.Type.Width;
        return [.. Enumerable.Range(0, rows).Select(r => ScoresUnit.Pack(scores.Row(r), width))];
    }

    /// <summary>The class a hardware result stands for: the result itself, or the first largest score.</summary>
    public static int ClassOf(Graph graph, BigInteger result)
    {
        if (!IsScores(graph)) return result > int.MaxValue ? -1 : (int)result;
        var type = graph.Output.Type;
        return ArgMax.Of<long>(ScoresUnit.Unpack(result, type.Length, type.Width, type.Min < 0));
    }
}
