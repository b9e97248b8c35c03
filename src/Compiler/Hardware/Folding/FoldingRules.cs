using System.Globalization;
using System.Numerics;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// Which (PE, SIMD) pairs the folded matrix-vector units can be built with. The PE rules and the
/// SIMD rules are independent of each other, so the legal pairs are the product of the legal PE
/// values and the legal SIMD values. Where a layer may be padded, any PE or SIMD up to its size
/// is legal, and the lists offer the smallest of each fold count.
/// </summary>
public static class FoldingRules
{
    /// <summary>Every legal folding of a layer, ordered by PE, then SIMD.</summary>
    public static IReadOnlyList<LayerFolding> LegalFoldings(LayerShape shape)
    {
        var simds = LegalSimds(shape);
        return [.. LegalPes(shape).SelectMany(pe => simds.Select(simd => new LayerFolding(shape.Name, pe, simd)))];
    }

    /// <summary>
    /// PE values that divide the outputs and, when the next layer sums this layer's outputs per
    /// chunk, do not split a chunk across output beats. When the outputs may be padded (see
    /// <see cref="PadsOutputs"/>) every PE up to the outputs is legal; the list then holds the
    /// smallest PE of each fold count, the only ones worth building.
    /// </summary>
    public static IReadOnlyList<int> LegalPes(LayerShape shape)
    {
        CheckShape(shape);
        return PadsOutputs(shape) ? SmallestPerFoldCount(shape.Outputs) : [.. Divisors(shape.Outputs).Where(pe => PeKeepsNextChunks(shape, pe) && TransformTakes(shape, pe))];
    }

    /// <summary>SIMD values that divide the inputs and, in a binary layer, do not split a chunk across compute beats; with padded inputs (<see cref="PadsInputs"/>), the smallest SIMD of each beat count.</summary>
    public static IReadOnlyList<int> LegalSimds(LayerShape shape)
    {
        CheckShape(shape);
        return shape.Kind == LayerKind.Transform ? [1] : PadsInputs(shape) ? SmallestPerFoldCount(shape.Inputs) : [.. Divisors(shape.Inputs).Where(simd => SimdKeepsChunks(shape, simd) && SimdTakesWholeBeats(shape, simd))];
    }

    /// <summary>
    /// A PE that does not divide the outputs pads the last output beat with neurons nobody reads
    /// (as FINN pads); legal unless the next layer sums this layer's outputs per chunk, where the
    /// pad values would enter its chunk factors.
    /// </summary>
    public static bool PadsOutputs(LayerShape shape) => shape.NextChunk == 0 && Paddable(shape);

    /// <summary>
    /// A SIMD that does not divide the inputs pads the last beat with lanes that add nothing;
    /// legal in a binary layer with one chunk and no runtime chunk factor (BNN and imported
    /// QONNX/FINN layers), where the pad's effect on the count is a constant. A dense first
    /// layer and chunked HBNN layers keep the divisor rules.
    /// </summary>
    public static bool PadsInputs(LayerShape shape) => shape.Kind == LayerKind.Binary && shape.Chunk >= shape.Inputs && shape.FactorWidth == 0 && Paddable(shape);

    /// <summary>Padding is generated for the matrix-vector stages of MLPs: not for a transform, nor for a convolution's stage (its window and pool take whole beats).</summary>
    private static bool Paddable(LayerShape shape) => shape.Kind != LayerKind.Transform && shape.Pixels <= 1 && shape.WindowBeats == 0;

    /// <summary>For each fold count ceil(n / step), its smallest step: every fold count n can be cut into, at the least padding.</summary>
    private static List<int> SmallestPerFoldCount(int n) =>
        [.. Enumerable.Range(1, n).Select(folds => (n + folds - 1) / folds).Distinct().Order()];

    public static bool IsLegal(LayerShape shape, LayerFolding folding) => Check(shape, folding) is null;

    /// <summary>Null when the folding is legal, otherwise the first violated constraint as a sentence naming the layer (PE rules first).</summary>
    public static string? Check(LayerShape shape, LayerFolding folding) => CheckPe(shape, folding.Pe) ?? CheckSimd(shape, folding.Simd);

    /// <summary>Null when <paramref name="pe"/> is legal for the layer, otherwise the violated constraint as a sentence.</summary>
    public static string? CheckPe(LayerShape shape, int pe)
    {
        CheckShape(shape);
        if (pe < 1) return $"layer {shape.Name}: PE must be a positive integer, got {pe}";
        if (PadsOutputs(shape))
            return pe <= shape.Outputs ? null : $"layer {shape.Name}: PE {pe} is more than the {shape.Outputs} outputs";
        if (shape.Outputs % pe != 0)
            return $"layer {shape.Name}: PE {pe} must divide the {shape.Outputs} outputs{LegalPeList(shape)}";
        if (!TransformTakes(shape, pe))
            return $"layer {shape.Name}: PE {pe} of a Walsh-Hadamard transform must divide its {shape.Inputs} input bytes (a beat is PE whole bytes){LegalPeList(shape)}";
        if (!PeKeepsNextChunks(shape, pe))
            return $"layer {shape.Name}: PE {pe} must divide the next layer's chunk length {shape.NextChunk} or be a multiple of it, "
                + $"so that an output beat never splits a chunk{LegalPeList(shape)}";
        return null;
    }

    /// <summary>Null when <paramref name="simd"/> is legal for the layer, otherwise the violated constraint as a sentence.</summary>
    public static string? CheckSimd(LayerShape shape, int simd)
    {
        CheckShape(shape);
        if (simd < 1) return $"layer {shape.Name}: SIMD must be a positive integer, got {simd}";
        if (shape.Kind == LayerKind.Transform && simd != 1)
            return $"layer {shape.Name}: a Walsh-Hadamard transform is folded by PE (values a beat) only: SIMD must be 1, got {simd}";
        if (PadsInputs(shape))
            return simd <= shape.Inputs ? null : $"layer {shape.Name}: SIMD {simd} is more than the {shape.Inputs} inputs";
        if (shape.Inputs % simd != 0)
            return $"layer {shape.Name}: SIMD {simd} must divide the {shape.Inputs} inputs{LegalSimdList(shape)}";
        if (!SimdKeepsChunks(shape, simd))
            return $"layer {shape.Name}: SIMD {simd} must divide the chunk length {shape.Chunk} or be a multiple of it, "
                + $"so that a compute beat never splits a chunk{LegalSimdList(shape)}";
        if (!SimdTakesWholeBeats(shape, simd))
            return $"layer {shape.Name}: SIMD {simd} must be a multiple of the {shape.BeatElements} inputs an input beat carries, "
                + $"or divide them by a power of two, so that every beat fills whole buffer words{LegalSimdList(shape)}";
        return null;
    }

    /// <summary>The positive divisors of <paramref name="n"/>, ascending.</summary>
    public static IReadOnlyList<int> Divisors(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var low = new List<int>();
        var high = new List<int>();
        for (int d = 1; (long)d * d <= n; d++)
        {
            if (n % d != 0) continue;
            low.Add(d);
            if (d != n / d) high.Add(n / d);
        }
        high.Reverse();
        return [.. low, .. high];
    }

    /// <summary>Shapes come from the compiler, not the user: a malformed one is a bug, not a user error.</summary>
    internal static void CheckShape(LayerShape shape)
    {
        if (shape.Inputs < 1 || shape.Outputs < 1)
            throw new ArgumentException($"layer {shape.Name}: inputs and outputs must be positive, got {shape.Inputs} x {shape.Outputs}");
        if (shape.Kind == LayerKind.Binary && shape.Chunk < 1)
            throw new ArgumentException($"layer {shape.Name}: a binary layer needs a positive chunk length, got {shape.Chunk}");
        if (shape.NextChunk < 0)
            throw new ArgumentException($"layer {shape.Name}: the next chunk length must not be negative, got {shape.NextChunk}");
        if (shape.InputWidth < 1 || shape.WeightWidth < 1 || shape.AccumulatorWidth < 1 || shape.OutputWidth < 1
            || shape.FactorWidth < 0 || shape.CoefficientWidth < 0 || shape.ShiftWidth < 0)
            throw new ArgumentException($"layer {shape.Name}: widths must be positive (factor, coefficient and shift widths may be 0)");
    }

    private static bool SimdKeepsChunks(LayerShape shape, int simd) =>
        shape.Kind != LayerKind.Binary || shape.Chunk % simd == 0 || simd % shape.Chunk == 0;

    /// <summary>A transform's beat is PE input bytes (or padding zeros): PE divides the input length.</summary>
    private static bool TransformTakes(LayerShape shape, int pe) => shape.Kind != LayerKind.Transform || shape.Inputs % pe == 0;

    /// <summary>A dense first layer's buffer word holds whole input beats, or a beat holds a power of two of words (lane select).</summary>
    private static bool SimdTakesWholeBeats(LayerShape shape, int simd) =>
        shape.BeatElements <= 1 || simd % shape.BeatElements == 0
        || (shape.BeatElements % simd == 0 && BitOperations.IsPow2(shape.BeatElements / simd));

    private static bool PeKeepsNextChunks(LayerShape shape, int pe) =>
        shape.NextChunk == 0 || shape.NextChunk % pe == 0 || pe % shape.NextChunk == 0;

    private static string LegalPeList(LayerShape shape) => $" (legal PE values: {Join(LegalPes(shape))})";

    private static string LegalSimdList(LayerShape shape) => $" (legal SIMD values: {Join(LegalSimds(shape))})";

    private static string Join(IEnumerable<int> values) =>
        string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
