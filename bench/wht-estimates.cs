#:project ../src/Compiler/HwFlow.Compiler.csproj
// Estimated hardware of trained models at several operating points: the fastest folding the
// input stream allows (100 MHz, what `hwflow experiment wht` reports) and slower targets where a
// design must fold to fit a small FPGA. Every network is costed as `experiment wht` and
// `hwflow compile` cost it (one transform on the input bytes by the butterfly network's own
// resource model; stacked transforms, which have no generator, by the first estimate). Estimates, not synthesis.
// Run from the repository root:  dotnet run -c Release bench/wht-estimates.cs MODEL...
using HwFlow.Compiler.Estimates;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Model;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: dotnet run -c Release bench/wht-estimates.cs MODEL...");
    return 2;
}
var goals = new (string Name, FoldingGoal Goal, double ClockMhz)[]
{
    ("fastest, 100 MHz", new FoldingGoal.Fastest(), 100),
    ("10,000 frames/s at 100 MHz", new FoldingGoal.TargetFps(10_000, 100), 100),
    ("7,000 frames/s at 24 MHz (fmnist-tiny's point)", new FoldingGoal.TargetFps(7_000, 24), 24),
};
Console.WriteLine("| model | operating point | cycles/frame | frames/s | LUT4 (est.) | FF (est.) | BRAM bits (est.) | constant bits | realization |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
foreach (var folder in args)
{
    var model = ModelLoader.Load(folder);
    var graph = IntegerLowering.Lower(model, new CompileOptions());
    foreach (var (name, goal, clock) in goals)
    {
        var e = DesignEstimator.Of(model, graph, new CompileOptions(), goal, clock);
        Console.WriteLine($"| {model.Name} | {name} | {e.CyclesPerFrame:N0} | {e.FramesPerSecond:N0} | {e.Luts:N0} | {e.Ffs:N0} | {e.BramBits:N0} | {e.ConstantBits:N0} | {e.Realization} |");
    }
}
return 0;
