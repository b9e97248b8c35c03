#:project ../src/Compiler/HwFlow.Compiler.csproj
// The resource model's LUT4 estimate per binary operation per cycle (FINN's measure: 2 operations
// per XNOR-popcount MAC) for BNN hidden layers at the foldings of BENCHMARKS.md. An estimate, not
// a synthesis result: the synthesized counts are in BENCHMARKS.md ("SFC-like BNN on xc7").
// Run from the repository root:  dotnet run -c Release bench/lut-per-op-estimate.cs
using HwFlow.Compiler.Hardware.Folding;

LayerShape Bnn(int inputs, int outputs, int accumulator) =>
    new("l", LayerKind.Binary, inputs, outputs, inputs, 1, 1, 0, 0, 0, accumulator, 1, 0);

Console.WriteLine("| layer | PE | SIMD | LUT4 (estimate) | FF (estimate) | binary ops per cycle | ops per cycle per LUT4 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, shape, pe, simd) in new[]
{
    ("1024 x 1024", Bnn(1024, 1024, 12), 2, 1024),
    ("1024 x 1024", Bnn(1024, 1024, 12), 256, 16),
    ("256 x 256 (SFC hidden)", Bnn(256, 256, 10), 256, 16),
})
{
    var r = ResourceModel.Default.Layer(shape, new LayerFolding("l", pe, simd));
    long ops = 2L * pe * simd;
    Console.WriteLine($"| {name} | {pe} | {simd} | {r.Luts:N0} | {r.Ffs:N0} | {ops:N0} | {(double)ops / r.Luts:F3} |");
}
