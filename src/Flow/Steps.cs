using HwFlow.Runtime.Model;
using HwFlow.Sim.Bench;

namespace HwFlow.Flow;

/// <summary>
/// HwFlow's flow, one call per step: what each `hwflow` command does, for any front end (the
/// CLI, a test, a script). Every step takes its request, an optional progress sink and a
/// cancellation token, and returns a result record (the CLI prints it, or its JSON). User
/// mistakes throw <see cref="Runtime.Errors.UserError"/>; a cancelled step throws
/// <see cref="OperationCanceledException"/>. A step that writes a folder writes it completely or
/// not at all, never over an input, and replaces only a folder HwFlow wrote
/// (<see cref="Runtime.IO.StagedFolder"/>).
/// </summary>
public static class Steps
{
    /// <summary>A model's layers, shapes, parameters, and float32 versus binary size.</summary>
    public static ModelSummary Info(string model, CancellationToken cancel = default)
    {
        var summary = ModelSummary.Of(ModelLoader.Load(model));
        cancel.ThrowIfCancellationRequested();
        return summary;
    }

    /// <summary>Accuracy and images/s of an engine on a dataset (the integer engines beside the float reference).</summary>
    public static EvaluateResult Evaluate(EvaluateRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        EvaluateStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The seed's netEvaluate on a batch of inputs, written as .npy files.</summary>
    public static RunResult Run(RunRequest request, CancellationToken cancel = default) => RunStep.Run(request, cancel);

    /// <summary>Integer lowering alone: graph.ir and its report (`compile --ir-only`).</summary>
    public static LowerResult Lower(CompileRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        CompileStep.Lower(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>A model into a build folder: lowering, stage planning, folding, hardware generation, Verilog and reports.</summary>
    public static CompileResult Compile(CompileRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        CompileStep.Compile(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>A build on the C# cycle-accurate simulator, every result checked against the golden kernel.</summary>
    public static SimulateResult Simulate(SimulateRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        SimulateStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>A build on the C# simulator and Verilator side by side, every output transaction and its cycle compared.</summary>
    public static CosimulateResult Cosimulate(CosimulateRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        CosimulateStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>A build through the FPGA flow (bitstream or estimate), optionally its gates checked against the golden kernel.</summary>
    public static SynthesizeResult Synthesize(SynthesizeRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        SynthesizeStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>An MLP trained and written as a model folder with its log and plot.</summary>
    public static TrainResult Train(TrainRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        TrainStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The seed's angle-preservation experiment.</summary>
    public static AngleResult AngleExperiment(AngleRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        AngleStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The seed's HBNN vs BNN vs float accuracy comparison.</summary>
    public static HbnnVsBnnResult HbnnVsBnnExperiment(HbnnVsBnnRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        HbnnVsBnnStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The seed's latent weight histograms of an HBNN and a BNN.</summary>
    public static HistogramsResult HistogramsExperiment(HistogramsRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        HistogramsStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The packed binary GEMM/GEMV and the fused xHBNN GEMM against OpenBLAS and a float loop.</summary>
    public static BenchGemmResult BenchGemm(BenchGemmRequest request, IFlowProgress? progress = null, CancellationToken cancel = default) =>
        BenchGemmStep.Run(request, progress ?? NoProgress.Instance, cancel);

    /// <summary>The C# simulator against the Verilator model of a build: cycles/s and their ratio.</summary>
    public static SimBenchResult BenchSim(BenchSimRequest request, CancellationToken cancel = default) => BenchSimStep.Run(request, cancel);
}
