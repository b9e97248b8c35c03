using HwFlow.Runtime.IO;
using System.Diagnostics;
using Google.Protobuf;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>What `hwflow import` wrote.</summary>
public sealed record ImportResult(string Source, string Folder, ModelSummary Model, double Seconds);

/// <summary>
/// Reads QONNX and FINN-ONNX models (the protobuf through OnnxSharp's onnx.proto classes) into
/// HwFlow models, in memory or as a model folder.
/// </summary>
public static class OnnxImport
{
    public const string Extension = ".onnx";

    /// <summary>Whether <paramref name="path"/> names an ONNX file (by its extension), which the model loaders import.</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(path);

    public static ModelSpec Load(string path, OnnxImportOptions? options = null) =>
        OnnxImporter.Import(path, Read(path), options ?? new OnnxImportOptions());

    /// <summary>Imports <paramref name="path"/> and writes the model folder <paramref name="output"/> (complete or not at all, never over the .onnx file's folder).</summary>
    public static ImportResult ToFolder(string path, OutputFolder output, OnnxImportOptions? options = null)
    {
        var watch = Stopwatch.StartNew();
        var model = Load(path, options);
        using var staged = StagedFolder.Begin(output, "import", [path]);
        ModelWriter.WriteInto(model, staged.Path);
        staged.Commit();
        return new ImportResult(path, staged.Target, ModelSummary.Of(model), watch.Elapsed.TotalSeconds);
    }

    /// <summary>The ModelProto of an .onnx file; a file that is not one, or is cut short, is a user error.</summary>
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw UserError.In(path, "no such ONNX file");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot read the ONNX file ({e.Message})");
        }
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e) when (e.Message.Contains("ended unexpectedly", StringComparison.Ordinal) || e.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase))
        {
            throw UserError.In(path, $"the ONNX protobuf is truncated ({bytes.Length} bytes; {e.Message}); the file was cut short or damaged");
        }
        catch (InvalidProtocolBufferException e)
        {
            throw UserError.In(path, $"not an ONNX file: its bytes are not an ONNX ModelProto ({e.Message})");
        }
        if (model.Graph is null || model.IrVersion <= 0 || model.Graph.Node.Count == 0)
            throw UserError.In(path, "not an ONNX file: it holds no ONNX model (no ir_version or no graph with nodes)");
        return model;
    }
}
