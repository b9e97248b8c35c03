#:project ../src/Runtime/HwFlow.Runtime.csproj
// Writes examples/tiny-hbnn: a small hand-made HBNN in the seed's layer order, with random
// weights from a fixed seed. It exists so that `hwflow info`, `eval`, `run` and the compiler
// have a model before trained ones are available; its accuracy is chance level by design.
// Run from the repository root:  dotnet run examples/make-tiny-hbnn.cs
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

var rng = new SplitMix64(42);
Tensor Gaussian(double std, params int[] shape)
{
    var t = Tensor.Zeros(shape);
    for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextGaussian() * std);
    return t;
}

// 784 -> 24 -> 12 -> 10 with binAggression 5, so chunks do not divide 24 or 12 (residual chunks are exercised).
var model = new ModelSpec(
    "tiny-hbnn",
    new InputSpec([784], "uint8", 1.0 / 255),
    5,
    [
        new LinearLayer(Gaussian(0.05, 784, 24), Gaussian(0.1, 24)),
        new Ramp(),
        new BinarizeLayer(),
        new BinLayer(Gaussian(1, 24, 12)),
        new Ramp(),
        new BinLayer(Gaussian(1, 12, 10)) { BinAggression = 4 },
        new Sigmoid(),
    ],
    OutputKind.Class);

// The example is a source folder of the repository, not a HwFlow output: its files are rewritten
// in place (git shows any change) and no output marker is left in it. Another folder, given as
// the argument, is written as an output folder (refused if it exists).
if (args.Length > 0)
{
    ModelWriter.Write(model, args[0], force: false);
    Console.WriteLine($"wrote {args[0]}");
}
else
{
    Directory.CreateDirectory("examples/tiny-hbnn");
    ModelWriter.WriteInto(model, "examples/tiny-hbnn");
    Console.WriteLine("wrote examples/tiny-hbnn");
}
