using HwFlow.Compiler.Hardware.Folding;

namespace HwFlow.Compiler.Tests.Folding;

/// <summary>Layer shapes of the designs the folding tests use, with the widths integer lowering gives them.</summary>
internal static class SampleDesigns
{
    /// <summary>fmnist-hbnn-mlp (784-256-256-10, chunk 16, exact scales): widths from its lowered graph.ir with the default options.</summary>
    public static readonly LayerShape[] FmnistHbnn =
    [
        Dense("l0", 784, 256, weightWidth: 10, accumulator: 25, output: 1, nextChunk: 16),
        Binary("l4", 256, 256, chunk: 16, factor: 31, coefficient: 12, shift: 0, accumulator: 48, output: 1, nextChunk: 16),
        Binary("l7", 256, 10, chunk: 16, factor: 27, coefficient: 12, shift: 0, accumulator: 45, output: 45, nextChunk: 0),
    ];

    /// <summary>FINN's LFC shape (784-1024x3-10) as a BNN: +-1 first-layer weights, single-chunk binary layers without scales.</summary>
    public static readonly LayerShape[] Lfc =
    [
        Dense("l0", 784, 1024, weightWidth: 2, accumulator: 18, output: 1, nextChunk: 0),
        Binary("l1", 1024, 1024, chunk: 1024, factor: 0, coefficient: 0, shift: 0, accumulator: 12, output: 1, nextChunk: 0),
        Binary("l2", 1024, 1024, chunk: 1024, factor: 0, coefficient: 0, shift: 0, accumulator: 12, output: 1, nextChunk: 0),
        Binary("l3", 1024, 10, chunk: 1024, factor: 0, coefficient: 0, shift: 0, accumulator: 12, output: 12, nextChunk: 0),
    ];

    public static LayerShape Dense(string name, int inputs, int outputs, int weightWidth, int accumulator, int output, int nextChunk) =>
        new(name, LayerKind.Dense, inputs, outputs, inputs, 8, weightWidth, 0, 0, 0, accumulator, output, nextChunk);

    public static LayerShape Binary(string name, int inputs, int outputs, int chunk, int factor, int coefficient, int shift,
        int accumulator, int output, int nextChunk) =>
        new(name, LayerKind.Binary, inputs, outputs, chunk, 1, 1, factor, coefficient, shift, accumulator, output, nextChunk);
}
