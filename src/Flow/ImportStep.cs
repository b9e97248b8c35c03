using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Onnx;

namespace HwFlow.Flow;

/// <summary>`hwflow import`: a QONNX / FINN-ONNX file as an HwFlow model folder.</summary>
public sealed record ImportRequest(string Model, OutputFolder Output, OnnxImportOptions Options) : IFlowRequest
{
    public IReadOnlyList<string> Inputs => [Model];
}

/// <summary>`hwflow export`: a model as a QONNX file.</summary>
/// <param name="Force">Replace the file if it exists.</param>
public sealed record ExportRequest(string Model, string File, bool Force) : IFlowRequest
{
    public IReadOnlyList<string> Inputs => [Model];
}

internal static class OnnxSteps
{
    public static ImportResult Import(ImportRequest request, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        return OnnxImport.ToFolder(request.Model, request.Output, request.Options);
    }

    public static ExportResult Export(ExportRequest request, CancellationToken cancel)
    {
        var model = ModelLoader.Load(request.Model);
        cancel.ThrowIfCancellationRequested();
        return OnnxExport.ToFile(model, request.Model, request.File, request.Force);
    }
}
