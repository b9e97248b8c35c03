namespace HwFlow.Runtime.Onnx;

/// <summary>A problem with the ONNX graph itself; the importer adds the file and the node and reports it as a user error.</summary>
internal sealed class OnnxGraphError(string message) : Exception(message);
