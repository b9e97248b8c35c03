namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The cycle counts the streaming dataflow is built to meet. A layer's MVU reads SIMD inputs for
/// PE output neurons per cycle, so one group of PE outputs takes Inputs/SIMD cycles and there are
/// Outputs/PE groups. The input stage takes one beat per cycle (one byte, or several under
/// `--input-width`). Ping-pong buffers and FIFOs
/// decouple the stages, so the slowest stage sets the initiation interval. A convolution's unit
/// repeats per output pixel, and takes each pixel's receptive field from its window at the
/// window's rate, so a pixel costs the larger of the two.
/// </summary>
public static class FoldingTiming
{
    /// <summary>A transform's beats, or pixels * max(window beats, ceil(Outputs/PE) * ceil(Inputs/SIMD)): a PE or SIMD that does not divide the layer pads its last fold or beat.</summary>
    public static long LayerCycles(LayerShape shape, LayerFolding folding) => shape.Kind == LayerKind.Transform
        ? TransformCycles(shape.Inputs, shape.Outputs, folding.Pe)
        : shape.Pixels * Math.Max(shape.WindowBeats, (long)Folds(shape.Outputs, folding.Pe) * Folds(shape.Inputs, folding.Simd));

    /// <summary>
    /// A Walsh-Hadamard transform of <paramref name="size"/> values on <paramref name="inputBytes"/>
    /// bytes, <paramref name="lanes"/> values a beat: a beat of bytes takes a cycle per byte, a padding
    /// beat one cycle, and during the padding the first lanes - 1 bytes of the next frame's first beat
    /// are gathered ahead.
    /// </summary>
    public static long TransformCycles(int inputBytes, int size, int lanes)
    {
        long padding = (size - inputBytes) / lanes;
        return padding == 0 ? Math.Max(inputBytes, size / lanes) : inputBytes + padding - Math.Min(lanes - 1, padding);
    }

    /// <summary>ceil(<paramref name="count"/> / <paramref name="step"/>).</summary>
    public static int Folds(int count, int step) => (count + step - 1) / step;

    /// <summary>II = max(input beats, max over layers of cycles), in cycles per frame.</summary>
    public static long InitiationInterval(IReadOnlyList<LayerShape> shapes, int inputBeats, FoldingPlan plan) =>
        Math.Max(inputBeats, shapes.Max(s => LayerCycles(s, plan.For(s.Name))));

    public static double FramesPerSecond(double clockMhz, long initiationInterval) => clockMhz * 1e6 / initiationInterval;

    /// <summary>
    /// The largest II (cycles per frame) that still gives at least <paramref name="framesPerSecond"/>
    /// at <paramref name="clockMhz"/>; 0 when not even one cycle per frame is fast enough.
    /// </summary>
    public static long CycleBudget(double framesPerSecond, double clockMhz)
    {
        const long Cap = long.MaxValue / 4;
        var estimate = Math.Floor(clockMhz * 1e6 / framesPerSecond);
        if (estimate >= Cap) return Cap;
        // Settle the floating-point floor against the very comparison reports use (fps >= target),
        // so that a target of exactly clock/II gets II and not II - 1.
        long budget = (long)estimate;
        while (FramesPerSecond(clockMhz, budget + 1) >= framesPerSecond) budget++;
        while (budget > 0 && FramesPerSecond(clockMhz, budget) < framesPerSecond) budget--;
        return budget;
    }
}
