using Google.Protobuf;
using Onnx;

namespace HwFlow.Tests.Onnx;

/// <summary>
/// The bad inputs the importer must refuse with one clear line: each writes its file into a
/// folder and names the fragments the error must hold (the node, the op or tensor, what was expected).
/// </summary>
public static class BadOnnxModels
{
    public sealed record Case(string Name, Func<string, string> Write, string[] Expected)
    {
        public override string ToString() => Name;
    }

    public static readonly Case[] All =
    [
        new("not-onnx", folder => WriteText(folder, "notes.onnx", "format: hwflow-model/1\nname: not a protobuf at all\n"), ["not an ONNX file"]),
        new("truncated", folder =>
        {
            var bytes = SmallValidModel().Model.ToByteArray();
            var path = Path.Combine(folder, "truncated.onnx");
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
            return path;
        }, ["truncated"]),
        new("unsupported-op", folder =>
        {
            var b = new OnnxBuilder();
            var x = b.Input("x", 1, 4);
            b.Output(b.Node("Softmax", [b.Node("MatMul", [x, b.Init("w", [4, 2], [1, -1, 1, -1, 1, -1, 1, -1])])], null, ("axis", 1L)));
            return b.Save(Path.Combine(folder, "softmax.onnx"));
        }, ["node Softmax_", "op Softmax (domain ai.onnx) is not supported", "Supported: MatMul, Gemm", "BipolarQuant"]),
        new("symbolic-shape", folder =>
        {
            var b = new OnnxBuilder();
            var x = b.Input("x", "batch", "features");
            b.Output(b.Node("MatMul", [x, b.Init("w", [4, 2], [1, -1, 1, -1, 1, -1, 1, -1])]));
            return b.Save(Path.Combine(folder, "symbolic.onnx"));
        }, ["input 'x' has dimension 1 = 'features'", "cannot be resolved statically"]),
        new("weights-not-constant", folder =>
        {
            var b = new OnnxBuilder();
            var x = b.Input("x", 1, 4);
            var w = b.Input("w", 4, 2);
            b.Output(b.Node("MatMul", [x, w]));
            return b.Save(Path.Combine(folder, "runtime-weights.onnx"));
        }, ["node MatMul_", "weights", "'w'", "constants"]),
        new("external-data-escapes", folder =>
        {
            var b = SmallValidModel();
            var tensor = b.Graph.Initializer.Single(t => t.Name == "w");
            tensor.RawData = ByteString.Empty;
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../secret.bin" });
            return b.Save(Path.Combine(folder, "escapes.onnx"));
        }, ["initializer 'w'", "external data path '../secret.bin' leaves the model's folder"]),
        new("quant-too-wide", folder =>
        {
            var b = new OnnxBuilder();
            var x = b.Quant(b.Input("x", 1, 4), scale: 1.0 / 4096, zeroPoint: 0, bits: 12, signed: false);
            b.Output(b.Node("MatMul", [x, b.Init("w", [4, 2], [1, -1, 1, -1, 1, -1, 1, -1])]));
            return b.Save(Path.Combine(folder, "wide.onnx"));
        }, ["node Quant_", "bitwidth", "12", "8"]),
        new("thresholds-unsorted", folder =>
        {
            var b = new OnnxBuilder();
            var x = b.Node("MultiThreshold", [b.Input("x", 1, 4), b.Init("t", [1, 3], [0.2, 0.8, 0.5])], OnnxBuilder.Finn,
                ("out_dtype", "UINT2"), ("out_scale", 1.0), ("out_bias", 0.0));
            b.Output(b.Node("MatMul", [x, b.Init("w", [4, 2], [1, -1, 1, -1, 1, -1, 1, -1])]));
            return b.Save(Path.Combine(folder, "unsorted.onnx"));
        }, ["node MultiThreshold_", "thresholds are not sorted", "0.8", "0.5"]),
    ];

    /// <summary>x [1, 4] -> BipolarQuant -> MatMul with bipolar weights 'w' [4, 2].</summary>
    public static OnnxBuilder SmallValidModel()
    {
        var b = new OnnxBuilder();
        var x = b.BipolarQuant(b.Input("x", 1, 4));
        b.Output(b.Node("MatMul", [x, b.BipolarQuant(b.Init("w", [4, 2], [1, -1, 1, -1, 1, -1, 1, -1]))]));
        return b;
    }

    private static string WriteText(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
