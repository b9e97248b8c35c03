using System.Globalization;
using System.Text.Json.Serialization;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>One layer's row of the folding report. Chunk is null for a dense layer.</summary>
public sealed record FoldingReportLayer(
    string Name,
    LayerKind Kind,
    int Inputs,
    int Outputs,
    int? Chunk,
    int Pe,
    int Simd,
    long Cycles,
    string CycleFormula,
    long Luts,
    long Ffs,
    long BramBits)
{
    /// <summary>Block RAMs of the device's fabric, in a report counted from the RTL (<see cref="FoldingReport.Counted"/>); null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BlockRams { get; init; }
}

/// <summary>A stage outside the layers (input stage, argmax) with its estimate.</summary>
public sealed record FoldingReportStage(string Name, long Cycles, long Luts, long Ffs, long BramBits)
{
    /// <inheritdoc cref="FoldingReportLayer.BlockRams"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BlockRams { get; init; }

    /// <summary>In a counted report, a stage the RTL count does not split out (the input stage is in the first layer's instance): its resources are in another row.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool InAnotherRow { get; init; }
}

/// <summary>
/// The folding of a design and what it predicts: per-layer cycles and resource estimates, the
/// initiation interval, frames/s and a latency placeholder, with the cycle formula and its
/// derivation spelled out. Plain data, so it serializes to JSON as is; <see cref="FoldingReportText"/>
/// renders it as Markdown or as a plain table for logs.
/// </summary>
public sealed record FoldingReport(
    double ClockMhz,
    int InputBytes,
    IReadOnlyList<FoldingReportLayer> Layers,
    IReadOnlyList<FoldingReportStage> OtherStages,
    long InitiationInterval,
    string LimitedBy,
    double FramesPerSecond,
    long LatencyCycles,
    double LatencyMicroseconds,
    string LatencyNote,
    long Luts,
    long Ffs,
    long BramBits,
    string ResourceNote,
    string CycleFormula,
    IReadOnlyList<string> Derivation)
{
    public const string LayerCycleFormula = "cycles = (Outputs / PE) * (Inputs / SIMD)";

    /// <summary>
    /// Null: the resources are the folding's parametric estimate. Otherwise they are counted from the
    /// generated RTL (`compile --device`: the count the fit and, on 7 series, the folding choice use),
    /// and this says for which logic cell ("LUT6", "LUT4"); <see cref="ParametricLuts"/> then keeps the estimate.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Counted { get; init; }

    /// <summary>In a counted report, the parametric model's LUT total, which guided the search only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ParametricLuts { get; init; }

    /// <summary>In a counted report, the block RAMs of the whole design (as the device fit counts them).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BlockRams { get; init; }

    /// <summary>Bits of the input stream's beat (`--input-width`); 8 is one byte per cycle.</summary>
    public int InputWidth { get; init; } = 8;

    /// <param name="adapted">The wide stream goes through a width adapter to a consumer that takes a byte a cycle (the input stage then takes its bytes' cycles).</param>
    /// <param name="pixelBits">With true, a beat carries inputWidth pixels as bits (`--input-format bits`), the last beat padded.</param>
    public static FoldingReport Of(IReadOnlyList<LayerShape> shapes, int inputBytes, FoldingPlan plan, double clockMhz, ResourceModel? model = null, int inputWidth = 8, bool adapted = false,
        bool pixelBits = false)
    {
        int bytesPerBeat = inputWidth / 8, inputBeats = adapted ? inputBytes : pixelBits ? (inputBytes + inputWidth - 1) / inputWidth : inputBytes / bytesPerBeat;
        if (!double.IsFinite(clockMhz) || clockMhz <= 0) throw new ArgumentOutOfRangeException(nameof(clockMhz), "the clock must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(inputBytes, 1);
        model ??= ResourceModel.Default;
        foreach (var shape in shapes)
        {
            var folding = plan.Layers.FirstOrDefault(f => f.Layer == shape.Name)
                ?? throw new ArgumentException($"the folding plan has no entry for layer {shape.Name}");
            if (FoldingRules.Check(shape, folding) is { } violation) throw new ArgumentException(violation);
        }

        var resources = model.Design(shapes, inputBeats, plan);
        var layers = shapes.Select((s, i) =>
        {
            var f = plan.For(s.Name);
            var r = resources.Layers[i];
            long cycles = FoldingTiming.LayerCycles(s, f);
            return new FoldingReportLayer(s.Name, s.Kind, s.Inputs, s.Outputs, s.Kind == LayerKind.Binary ? s.Chunk : null, f.Pe, f.Simd,
                cycles, $"({s.Outputs} / {f.Pe}) * ({s.Inputs} / {f.Simd}) = {s.Outputs / f.Pe} * {s.Inputs / f.Simd} = {N(cycles)}",
                r.Luts, r.Ffs, r.BramBits);
        }).ToList();
        var last = layers[^1];
        var glue = new List<FoldingReportStage>
        {
            Stage(resources.Glue[0], inputBeats),
            // The argmax takes the last layer's PE values per beat, so it runs at that layer's pace.
            Stage(resources.Glue[1], last.Cycles),
        };

        long ii = FoldingTiming.InitiationInterval(shapes, inputBeats, plan);
        var slowest = layers.OrderByDescending(l => l.Cycles).First();
        string limitedBy = inputBeats >= slowest.Cycles ? "input stream" : slowest.Name;
        double fps = FoldingTiming.FramesPerSecond(clockMhz, ii);
        long latency = inputBeats + layers.Sum(l => l.Cycles);

        var derivation = new List<string>
        {
            "Each layer's matrix-vector unit computes SIMD inputs for PE output neurons per cycle, so one group of PE outputs takes "
                + "Inputs / SIMD cycles and a frame takes Outputs / PE such groups: " + LayerCycleFormula + ".",
        };
        derivation.AddRange(layers.Select(l => $"{l.Name}: {l.CycleFormula} cycles"));
        derivation.Add(pixelBits ? $"input stream: {N(inputBytes)} pixels as bits, {inputWidth} a beat (--input-format bits --input-width {inputWidth}) = {N(inputBeats)} cycles"
            : bytesPerBeat == 1 ? $"input stream: {N(inputBytes)} bytes at one byte per cycle = {N(inputBytes)} cycles"
            : adapted ? $"input stream: {N(inputBytes)} bytes in beats of {bytesPerBeat} (--input-width {inputWidth}), split to one byte per cycle for the first stage = {N(inputBytes)} cycles"
            : $"input stream: {N(inputBytes)} bytes at {bytesPerBeat} bytes per cycle (--input-width {inputWidth}) = {N(inputBeats)} cycles");
        derivation.Add("Ping-pong buffers and FIFOs decouple the stages, so the slowest stage sets the initiation interval: "
            + $"II = max(InputBytes, cycles of every layer) = max({string.Join(", ", layers.Select(l => N(l.Cycles)).Prepend(N(inputBeats)))}) = {N(ii)} cycles per frame ({limitedBy}).");
        derivation.Add($"frames/s = clock / II = {FoldingOptimizer.Number(clockMhz)} MHz / {N(ii)} = {FoldingOptimizer.Number(FoldingOptimizer.ReachableFps(clockMhz, ii))} (rounded down).");

        return new FoldingReport(
            clockMhz, inputBytes, layers, glue, ii, limitedBy, fps, latency, latency / clockMhz,
            "placeholder until the simulator measures it: every stage holds a whole frame before the next one starts it "
                + "(ping-pong buffers), so latency is at least InputBytes + the sum of the layer cycles; pipeline registers and FIFO hops are not counted",
            resources.Luts, resources.Ffs, resources.BramBits,
            model.Costs.Calibration == ResourceCalibration.None
                ? "estimates from the structural resource model without calibration (4-input LUTs); not synthesis results"
                : "estimates from the resource model fitted against yosys iCE40 counts (bench/resource-fit.cs; residuals in BENCHMARKS.md), 4-input LUTs; not synthesis results",
            $"II = max(InputBytes, max over layers of {LayerCycleFormula}); frames/s = clock / II",
            derivation) { InputWidth = inputWidth };
    }

    private static FoldingReportStage Stage(StageResources r, long cycles) => new(r.Stage, cycles, r.Luts, r.Ffs, r.BramBits);

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
